-- The catalogue of licences and services that departments offer online.
CREATE TABLE services (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{2,79}$'),
  category text NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  name_zh_hk text NOT NULL CHECK (length(name_zh_hk) BETWEEN 1 AND 200),
  name_zh_cn text NOT NULL CHECK (length(name_zh_cn) BETWEEN 1 AND 200),
  summary_en text NOT NULL CHECK (length(summary_en) <= 2000),
  summary_zh_hk text NOT NULL CHECK (length(summary_zh_hk) <= 2000),
  summary_zh_cn text NOT NULL CHECK (length(summary_zh_cn) <= 2000),
  pledge_working_days integer CHECK (pledge_working_days BETWEEN 1 AND 365),
  fee_cents integer NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
  -- The payments module's item for the fee, paid online when the application is submitted.
  fee_item_id uuid,
  contact_email text,
  -- Folded, segmented search terms (see platform/search): GIN-indexed for "contains all of these terms".
  search_terms text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX services_organisation_idx ON services (organisation_id, status);
CREATE INDEX services_published_idx ON services (category, name_en) WHERE status = 'published';
CREATE INDEX services_search_idx ON services USING gin (search_terms);
