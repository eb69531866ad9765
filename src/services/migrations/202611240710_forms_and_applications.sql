-- Versioned application forms: an application keeps the form version it was made on.
CREATE TABLE service_forms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  service_id uuid NOT NULL REFERENCES services (id),
  version integer NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'archived')),
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  UNIQUE (service_id, version)
);
CREATE UNIQUE INDEX service_forms_one_live ON service_forms (service_id) WHERE status = 'live';

CREATE SEQUENCE application_reference_seq;
CREATE TABLE applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE,
  service_id uuid NOT NULL REFERENCES services (id),
  form_id uuid NOT NULL REFERENCES service_forms (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  citizen_id text NOT NULL,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'awaiting_payment', 'submitted', 'information_requested', 'recommended', 'approved', 'rejected', 'withdrawn')),
  answers jsonb NOT NULL DEFAULT '{}'::jsonb,
  recommended_by uuid,
  decided_by uuid,
  decision_reason text,
  submitted_at timestamptz,
  decided_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_citizen_idx ON applications (citizen_id, created_at DESC);
CREATE INDEX applications_queue_idx ON applications (organisation_id, status, submitted_at);
CREATE UNIQUE INDEX applications_one_draft ON applications (citizen_id, service_id) WHERE status = 'draft';

-- What happened to an application, and the messages between officers and the applicant.
CREATE TABLE application_events (
  id bigserial PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES applications (id),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_kind text NOT NULL,
  actor_label text NOT NULL,
  kind text NOT NULL,
  message text
);
CREATE INDEX application_events_idx ON application_events (application_id, id);
