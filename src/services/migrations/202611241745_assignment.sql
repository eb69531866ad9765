-- The officer or approver who works an application (none: anyone of the department may pick it up).
ALTER TABLE applications ADD COLUMN assignee_id uuid REFERENCES staff_accounts (id);
-- The queue filters a department's applications by assignee ("mine", "unassigned").
CREATE INDEX applications_organisation_assignee_idx ON applications (organisation_id, assignee_id);
