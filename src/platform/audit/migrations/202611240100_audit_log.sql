-- Append-only, hash-chained audit log. Each change writes its entry in its own transaction (id: insertion order,
-- may have gaps). Right after commit, the chainer gives committed entries their place in the chain: `seq` without
-- gaps (a missing number means a removed entry), the previous entry's hash, and its own. Chaining after commit keeps
-- concurrent writers from queueing behind one lock for the length of their commits.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  seq bigint UNIQUE,
  occurred_at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'service', 'system')),
  actor_id text,
  actor_label text NOT NULL,
  organisation_id uuid,
  action text NOT NULL,
  record_type text NOT NULL,
  record_id text,
  request_id text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text,
  hash text,
  CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX audit_log_unchained_idx ON audit_log (id) WHERE seq IS NULL;
CREATE INDEX audit_log_organisation_idx ON audit_log (organisation_id, id DESC);
CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);

CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

-- Nothing may change an entry, except the chainer filling in its chain columns, once.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND (to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash']) = (to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
