-- The developer portal: production clients wait here until a platform admin approves them.
CREATE TABLE oidc_client_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  requested_by uuid NOT NULL,
  registration jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved')),
  client_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);
CREATE INDEX oidc_client_requests_organisation_idx ON oidc_client_requests (organisation_id, created_at DESC);
