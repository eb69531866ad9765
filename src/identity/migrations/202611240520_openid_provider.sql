-- oidc-provider's models (sessions, codes, tokens, grants, interactions, clients) in one table.
CREATE TABLE oidc_models (
  kind text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (kind, id)
);
CREATE INDEX oidc_models_grant_idx ON oidc_models (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_models_user_code_idx ON oidc_models (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_models_uid_idx ON oidc_models (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_models_expiry_idx ON oidc_models (expires_at) WHERE expires_at IS NOT NULL;

-- Signing keys (private JWKs). The newest active key signs; retired keys stay published until dropped.
CREATE TABLE oidc_signing_keys (
  kid text PRIMARY KEY,
  jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Connected services: the grant a citizen gave each service, remembered across sessions until withdrawn.
CREATE TABLE citizen_grants (
  citizen_id uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  grant_id text NOT NULL,
  scopes text[] NOT NULL,
  claims text[] NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (citizen_id, client_id)
);
