-- The version of what search reads: every statement that changes the search table moves it on. Processes keep ranked
-- search matches per version and reuse them only while a statement reading the page also reads that same version, so
-- no process answers from a catalogue older than the one its own statement sees.
ALTER TABLE opendata_catalogue_size ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION opendata_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE opendata_catalogue_size SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER opendata_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opendata_dataset_search
  FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_changed();
