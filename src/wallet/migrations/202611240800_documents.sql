-- Documents that departments issue into a citizen's Digital Document wallet, and the keys that sign them.
CREATE TABLE wallet_signing_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  -- The private key, encrypted with a key derived from SESSION_SECRET (AES-256-GCM).
  private_jwk_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

CREATE TABLE wallet_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  citizen_id text NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  kind text NOT NULL,
  title_en text NOT NULL,
  title_zh_hk text NOT NULL,
  holder_name text NOT NULL,
  claims jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_reference text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  valid_until text CHECK (valid_until ~ '^\d{4}-\d{2}-\d{2}$'),  -- a calendar date, kept as text: no time zone can shift it
  revoked_at timestamptz,
  revocation_reason text,
  -- When the holder was reminded that it expires soon (once per document).
  reminded_at timestamptz,
  -- Compact JWS (EdDSA) over the document's content: anyone can check it with the published keys.
  jws text NOT NULL
);
CREATE INDEX wallet_documents_citizen_idx ON wallet_documents (citizen_id, issued_at DESC);

CREATE TABLE wallet_shares (
  token_hash text PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES wallet_documents (id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
