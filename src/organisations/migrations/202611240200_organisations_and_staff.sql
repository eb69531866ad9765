-- Bureaux and departments (B/Ds) and the staff who work in them.
CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9]{1,15}$'),
  kind text NOT NULL CHECK (kind IN ('bureau', 'department', 'public_body', 'platform')),
  parent_id uuid REFERENCES organisations (id),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  name_zh_hk text NOT NULL CHECK (length(name_zh_hk) BETWEEN 1 AND 200),
  name_zh_cn text NOT NULL CHECK (length(name_zh_cn) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY['officer', 'approver', 'organisation_admin', 'platform_admin']),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_accounts_organisation_idx ON staff_accounts (organisation_id);

-- Only a hash of the session cookie is stored: a copy of this table does not sign anyone in.
CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  staff_id uuid NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  address text
);
CREATE INDEX staff_sessions_staff_idx ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_expiry_idx ON staff_sessions (expires_at);
