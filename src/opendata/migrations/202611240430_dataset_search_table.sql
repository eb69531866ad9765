-- A narrow copy of what search reads (no descriptions, no search text), kept in step by a trigger: ranking and
-- counting thousands of matches then touch a few hundred pages instead of one page per dataset.
CREATE TABLE opendata_dataset_search (
  id uuid PRIMARY KEY REFERENCES opendata_datasets (id) ON DELETE CASCADE,
  name text NOT NULL,
  organisation_id uuid NOT NULL,
  category text NOT NULL,
  licence text NOT NULL,
  tags text[] NOT NULL,
  formats text[] NOT NULL,
  title_en text NOT NULL,
  title_zh_hk text NOT NULL,
  title_zh_cn text NOT NULL,
  created_at timestamptz NOT NULL,
  modified_at timestamptz NOT NULL,
  search_vector tsvector NOT NULL
);

CREATE FUNCTION opendata_dataset_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO opendata_dataset_search (id, name, organisation_id, category, licence, tags, formats, title_en, title_zh_hk, title_zh_cn, created_at, modified_at, search_vector)
  VALUES (NEW.id, NEW.name, NEW.organisation_id, NEW.category, NEW.licence, NEW.tags, NEW.formats, NEW.title_en, NEW.title_zh_hk, NEW.title_zh_cn, NEW.created_at, NEW.modified_at, NEW.search_vector)
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, organisation_id = EXCLUDED.organisation_id, category = EXCLUDED.category,
    licence = EXCLUDED.licence, tags = EXCLUDED.tags, formats = EXCLUDED.formats, title_en = EXCLUDED.title_en, title_zh_hk = EXCLUDED.title_zh_hk,
    title_zh_cn = EXCLUDED.title_zh_cn, created_at = EXCLUDED.created_at, modified_at = EXCLUDED.modified_at, search_vector = EXCLUDED.search_vector;
  RETURN NULL;
END
$$;

CREATE TRIGGER opendata_dataset_search_sync AFTER INSERT OR UPDATE ON opendata_datasets
  FOR EACH ROW EXECUTE FUNCTION opendata_dataset_search_sync();

INSERT INTO opendata_dataset_search (id, name, organisation_id, category, licence, tags, formats, title_en, title_zh_hk, title_zh_cn, created_at, modified_at, search_vector)
  SELECT id, name, organisation_id, category, licence, tags, formats, title_en, title_zh_hk, title_zh_cn, created_at, modified_at, search_vector FROM opendata_datasets;

CREATE INDEX opendata_dataset_search_vector_idx ON opendata_dataset_search USING gin (search_vector);
CREATE INDEX opendata_dataset_search_modified_idx ON opendata_dataset_search (modified_at DESC, id);
CREATE INDEX opendata_dataset_search_organisation_idx ON opendata_dataset_search (organisation_id);
CREATE INDEX opendata_dataset_search_category_idx ON opendata_dataset_search (category);
CREATE INDEX opendata_dataset_search_tags_idx ON opendata_dataset_search USING gin (tags);
CREATE INDEX opendata_dataset_search_formats_idx ON opendata_dataset_search USING gin (formats);
