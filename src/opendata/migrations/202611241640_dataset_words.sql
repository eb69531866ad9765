-- Only what ranking a plain text query reads: the search vector first among few, fixed-width columns. A search with
-- words and no filters or facets (the commonest call) reads this table, about half the pages of the search table,
-- and PostgreSQL reaches the vector without stepping over the text columns before it (two to three times faster).
CREATE TABLE opendata_dataset_words (
  id uuid PRIMARY KEY REFERENCES opendata_datasets (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  modified_at timestamptz NOT NULL,
  search_vector tsvector NOT NULL
);

CREATE FUNCTION opendata_dataset_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO opendata_dataset_words (id, created_at, modified_at, search_vector) VALUES (NEW.id, NEW.created_at, NEW.modified_at, NEW.search_vector)
  ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, modified_at = EXCLUDED.modified_at, search_vector = EXCLUDED.search_vector;
  RETURN NULL;
END
$$;

CREATE TRIGGER opendata_dataset_words_sync AFTER INSERT OR UPDATE ON opendata_datasets
  FOR EACH ROW EXECUTE FUNCTION opendata_dataset_words_sync();

INSERT INTO opendata_dataset_words (id, created_at, modified_at, search_vector)
  SELECT id, created_at, modified_at, search_vector FROM opendata_datasets;
CREATE INDEX opendata_dataset_words_vector_idx ON opendata_dataset_words USING gin (search_vector);
