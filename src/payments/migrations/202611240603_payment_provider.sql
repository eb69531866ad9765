-- The built-in payment provider's own books. It stands in for an external company, so it shares
-- nothing with our payments table: it is reached only through the PaymentProvider port and HTTP.
CREATE TABLE provider_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  description text NOT NULL,
  reference text NOT NULL,
  return_url text NOT NULL,
  webhook_url text NOT NULL,
  state text NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error')),
  finished boolean NOT NULL DEFAULT false,
  failure_reason text,
  refunded_cents integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents)
);
CREATE INDEX provider_payments_unfinished_idx ON provider_payments (expires_at) WHERE NOT finished;

CREATE TABLE provider_refunds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id uuid NOT NULL REFERENCES provider_payments (id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, idempotency_key)
);

-- Outgoing webhooks: written with the state change, signed when (re)sent.
CREATE TABLE provider_webhook_events (
  id bigserial PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES provider_payments (id),
  webhook_url text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX provider_webhook_events_pending_idx ON provider_webhook_events (created_at) WHERE delivered_at IS NULL;
