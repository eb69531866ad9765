-- Finds drafts left untouched past the retention period (smartgov cleanup) without reading every application.
CREATE INDEX applications_drafts_by_age ON applications (updated_at) WHERE status = 'draft';
