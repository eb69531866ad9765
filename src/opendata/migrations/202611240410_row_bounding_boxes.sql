-- The bounding box (WGS 84) of a spatial row's geometry, for OGC API Features `bbox` queries.
ALTER TABLE opendata_rows
  ADD COLUMN min_x double precision,
  ADD COLUMN min_y double precision,
  ADD COLUMN max_x double precision,
  ADD COLUMN max_y double precision;
CREATE INDEX opendata_rows_bbox_idx ON opendata_rows (resource_id, min_x, max_x) WHERE min_x IS NOT NULL;
