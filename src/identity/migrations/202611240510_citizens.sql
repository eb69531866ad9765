-- iAM Smart citizen accounts, their sessions, one-time codes and the e-ME profile.
CREATE TABLE citizens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  password_hash text NOT NULL,
  totp_secret text,
  totp_pending_secret text,
  proofed_at timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Only hashes of codes are kept; a code is used once, expires, and allows a few attempts.
CREATE TABLE citizen_email_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX citizen_email_codes_expiry_idx ON citizen_email_codes (expires_at);

CREATE TABLE citizen_recovery_codes (
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (citizen_id, code_hash)
);

-- Only a hash of the session cookie is stored. `acr`/`amr`/`auth_time` say how the person signed in.
CREATE TABLE citizen_sessions (
  id_hash text PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  acr text NOT NULL,
  amr text[] NOT NULL,
  auth_time timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  address text,
  user_agent text
);
CREATE INDEX citizen_sessions_citizen_idx ON citizen_sessions (citizen_id);
CREATE INDEX citizen_sessions_expiry_idx ON citizen_sessions (expires_at);

-- e-ME: one row per field; `verified` is true only when smartgov checked the value (e.g. a confirmed email).
CREATE TABLE citizen_profile_fields (
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  field text NOT NULL CHECK (field IN ('name_en', 'name_zh', 'date_of_birth', 'residential_address', 'correspondence_address', 'phone', 'email')),
  value text NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
  verified boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (citizen_id, field)
);
