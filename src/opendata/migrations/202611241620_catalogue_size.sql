-- The number of datasets, kept by statement triggers on the search table, so that an unfiltered package_search (how
-- harvesters page through the whole catalogue) need not count every dataset on each call. Datasets are added by
-- publishers, rarely and a few at a time: the one row's lock is held only for each such change.
CREATE TABLE opendata_catalogue_size (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  datasets bigint NOT NULL CHECK (datasets >= 0)
);
INSERT INTO opendata_catalogue_size (datasets) SELECT count(*) FROM opendata_dataset_search;

CREATE FUNCTION opendata_catalogue_size_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE opendata_catalogue_size SET datasets = datasets + (SELECT count(*) FROM added) WHERE EXISTS (SELECT FROM added);
  RETURN NULL;
END
$$;
CREATE FUNCTION opendata_catalogue_size_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE opendata_catalogue_size SET datasets = datasets - (SELECT count(*) FROM removed) WHERE EXISTS (SELECT FROM removed);
  RETURN NULL;
END
$$;
CREATE FUNCTION opendata_catalogue_size_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE opendata_catalogue_size SET datasets = 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER opendata_catalogue_size_added AFTER INSERT ON opendata_dataset_search
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_size_added();
CREATE TRIGGER opendata_catalogue_size_removed AFTER DELETE ON opendata_dataset_search
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_size_removed();
CREATE TRIGGER opendata_catalogue_size_emptied AFTER TRUNCATE ON opendata_dataset_search
  FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_size_emptied();
