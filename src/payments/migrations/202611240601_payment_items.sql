-- What a department charges for: a fee or a bill line, with the revenue code the Treasury books it under.
CREATE TABLE payment_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  name_zh_hk text NOT NULL CHECK (length(name_zh_hk) BETWEEN 1 AND 200),
  name_zh_cn text NOT NULL CHECK (length(name_zh_cn) BETWEEN 1 AND 200),
  amount_cents integer NOT NULL CHECK (amount_cents BETWEEN 1 AND 100000000),
  revenue_code text NOT NULL CHECK (revenue_code ~ '^[A-Z0-9-]{2,20}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_items_organisation_idx ON payment_items (organisation_id, name_en);
