-- The catalogue's version: every statement that changes services moves it on, in its own transaction (the row lock
-- queues writers, so versions follow commit order). Processes keep search answers per version: an answer is reused
-- only while the database still holds that version, so no process serves a catalogue older than the one it can read.
CREATE TABLE catalogue_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version bigint NOT NULL
);
INSERT INTO catalogue_version (version) VALUES (1);

CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalogue_version SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER services_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
