-- iAM Smart+: the identity document checked at a help desk. The number is stored encrypted (AES-256-GCM) with a
-- keyed hash for look-up (one account per document); it is never logged nor used as an identifier.
ALTER TABLE citizens
  ADD COLUMN document_type text CHECK (document_type IN ('hkid', 'passport', 'other')),
  ADD COLUMN document_ciphertext text,
  ADD COLUMN document_lookup text UNIQUE,
  ADD COLUMN proofed_by uuid;

-- Personal codes: short, single use, a few minutes; only a keyed hash is kept.
CREATE TABLE citizen_personal_codes (
  code_hash text PRIMARY KEY,
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX citizen_personal_codes_citizen_idx ON citizen_personal_codes (citizen_id);
