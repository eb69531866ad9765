-- Open data: datasets (CKAN "packages") published by organisations, and their resources (files or links).
CREATE TABLE opendata_datasets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{1,99}$'),
  organisation_id uuid NOT NULL,
  category text NOT NULL,
  title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 300),
  title_zh_hk text NOT NULL CHECK (length(title_zh_hk) BETWEEN 1 AND 300),
  title_zh_cn text NOT NULL CHECK (length(title_zh_cn) BETWEEN 1 AND 300),
  notes_en text NOT NULL DEFAULT '',
  notes_zh_hk text NOT NULL DEFAULT '',
  notes_zh_cn text NOT NULL DEFAULT '',
  tags text[] NOT NULL DEFAULT '{}',
  licence text NOT NULL,
  contact_email text NOT NULL DEFAULT '',
  update_frequency text NOT NULL DEFAULT '',
  data_dictionary_url text NOT NULL DEFAULT '',
  spatial boolean NOT NULL DEFAULT false,
  -- Every language's words, Chinese segmented and folded to Simplified: what full-text search matches.
  search_text text NOT NULL DEFAULT '',
  formats text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opendata_datasets_search_idx ON opendata_datasets USING gin (to_tsvector('simple', search_text));
CREATE INDEX opendata_datasets_organisation_idx ON opendata_datasets (organisation_id);
CREATE INDEX opendata_datasets_category_idx ON opendata_datasets (category);
CREATE INDEX opendata_datasets_tags_idx ON opendata_datasets USING gin (tags);
CREATE INDEX opendata_datasets_formats_idx ON opendata_datasets USING gin (formats);
CREATE INDEX opendata_datasets_modified_idx ON opendata_datasets (modified_at DESC, id);

CREATE TABLE opendata_resources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL REFERENCES opendata_datasets (id) ON DELETE CASCADE,
  position integer NOT NULL,
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
  name_zh_hk text NOT NULL CHECK (length(name_zh_hk) BETWEEN 1 AND 300),
  name_zh_cn text NOT NULL CHECK (length(name_zh_cn) BETWEEN 1 AND 300),
  format text NOT NULL,
  -- Exactly one of: a link elsewhere, or a file in the FileStore (its current version).
  external_url text,
  file_key text,
  file_name text,
  size bigint,
  sha256 text,
  media_type text,
  -- Columns of ingested tabular data, [{id, type}]; null when the rows are not queryable.
  fields jsonb,
  row_count integer,
  source_crs text,
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((external_url IS NULL) <> (file_key IS NULL)),
  UNIQUE (dataset_id, position)
);

-- Every file a resource has ever had, newest last: replaced files stay here as the historical archive.
CREATE TABLE opendata_resource_versions (
  resource_id uuid NOT NULL REFERENCES opendata_resources (id) ON DELETE CASCADE,
  version_at timestamptz NOT NULL,
  file_key text NOT NULL,
  file_name text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  media_type text NOT NULL,
  PRIMARY KEY (resource_id, version_at)
);

-- Ingested rows of a CSV or GeoJSON resource's current version, for datastore_search.
CREATE TABLE opendata_rows (
  resource_id uuid NOT NULL REFERENCES opendata_resources (id) ON DELETE CASCADE,
  row_no integer NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (resource_id, row_no)
);

CREATE TABLE opendata_downloads (
  resource_id uuid NOT NULL REFERENCES opendata_resources (id) ON DELETE CASCADE,
  day date NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (resource_id, day)
);
