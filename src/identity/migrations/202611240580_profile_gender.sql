-- e-ME also holds gender (as the citizen declares it, or as checked at a help desk).
ALTER TABLE citizen_profile_fields DROP CONSTRAINT citizen_profile_fields_field_check;
ALTER TABLE citizen_profile_fields ADD CONSTRAINT citizen_profile_fields_field_check
  CHECK (field IN ('name_en', 'name_zh', 'date_of_birth', 'gender', 'residential_address', 'correspondence_address', 'phone', 'email'));
