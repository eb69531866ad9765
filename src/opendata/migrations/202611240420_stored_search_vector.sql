-- Keep each dataset's search vector stored, so ranking matches does not rebuild it row by row.
ALTER TABLE opendata_datasets ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX opendata_datasets_search_idx;
CREATE INDEX opendata_datasets_search_idx ON opendata_datasets USING gin (search_vector);
