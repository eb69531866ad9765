-- Who can apply for a service and the documents an applicant needs, in three languages, shown on the service page
-- before a citizen starts. Existing services have neither: their pages leave both sections out.
ALTER TABLE services
  ADD COLUMN eligibility_en text NOT NULL DEFAULT '' CHECK (length(eligibility_en) <= 2000),
  ADD COLUMN eligibility_zh_hk text NOT NULL DEFAULT '' CHECK (length(eligibility_zh_hk) <= 2000),
  ADD COLUMN eligibility_zh_cn text NOT NULL DEFAULT '' CHECK (length(eligibility_zh_cn) <= 2000),
  -- In the order shown: [{ "label": { "en", "zh-HK", "zh-CN" }, "note": { … } or null, "mandatory": true }]. Kept in the
  -- service's row, so that one If-Match version covers them like every other field.
  ADD COLUMN required_documents jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(required_documents) = 'array' AND jsonb_array_length(required_documents) <= 20);
