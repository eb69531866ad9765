-- One-time codes sent by text message to confirm the mobile number in a citizen's e-ME profile.
CREATE TABLE citizen_phone_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  phone text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX citizen_phone_codes_citizen_idx ON citizen_phone_codes (citizen_id, created_at DESC);
