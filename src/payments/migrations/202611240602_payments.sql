-- Our record of each payment; the provider's own record lives in provider_payments.
CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  item_id uuid NOT NULL REFERENCES payment_items (id),
  purpose text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_-]{1,40}$'),
  reference text CHECK (length(reference) <= 200),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  provider text NOT NULL,
  provider_payment_id text,
  -- The provider's hosted page for this payment, where the payer is sent.
  next_url text,
  state text NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error')),
  finished boolean NOT NULL DEFAULT false,
  settled_at timestamptz,
  refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
  -- A client retrying a request gets the payment its first attempt made (scope: who asked).
  idempotency_scope text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  created_by_kind text NOT NULL,
  created_by_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (idempotency_scope, idempotency_key),
  CHECK (finished = (state IN ('success', 'failed', 'cancelled', 'error'))),
  CHECK ((settled_at IS NOT NULL) = (state = 'success'))
);
CREATE UNIQUE INDEX payments_provider_idx ON payments (provider, provider_payment_id);
CREATE INDEX payments_unfinished_idx ON payments (created_at) WHERE NOT finished;
CREATE INDEX payments_reference_idx ON payments (purpose, reference);

CREATE TABLE payment_refunds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id uuid NOT NULL REFERENCES payments (id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  idempotency_key text NOT NULL,
  provider_refund_id text NOT NULL,
  created_by_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, idempotency_key)
);

-- Bills a department issues to a person; paying one makes a payment with purpose 'bill'.
CREATE TABLE payment_bills (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  item_id uuid NOT NULL REFERENCES payment_items (id),
  citizen_id text,
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  due_date date NOT NULL,
  paid_payment_id uuid REFERENCES payments (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_bills_citizen_idx ON payment_bills (citizen_id) WHERE paid_payment_id IS NULL;
