-- Files attached to an application's answers (a `file` question's answer is the row's id). The bytes live in the
-- file store under `file_key`; the type was found from the content, never from the name.
CREATE TABLE application_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES applications (id),
  question_id text NOT NULL,
  file_key text NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX application_files_answer ON application_files (application_id, question_id);

-- A draft form version is edited in place by the structured editor; the revision refuses stale edits.
ALTER TABLE service_forms ADD COLUMN revision integer NOT NULL DEFAULT 1;
