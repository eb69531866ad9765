-- Resources are part of what the CKAN API presents for a dataset, and presented datasets are kept per catalogue version
-- (ckan/presented.ts): every statement that changes resources moves the version on too, not only the changes to the
-- search table that publishing code makes beside them today.
CREATE TRIGGER opendata_resources_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opendata_resources
  FOR EACH STATEMENT EXECUTE FUNCTION opendata_catalogue_changed();
