-- Passkeys (WebAuthn credentials): several per account, each usable for sign-in with user verification.
CREATE TABLE citizen_passkeys (
  credential_id text PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  public_key text NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX citizen_passkeys_citizen_idx ON citizen_passkeys (citizen_id);
