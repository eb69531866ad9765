-- The provider is called outside our transactions (a slow provider must not hold a database connection):
-- a provider payment is created once per our payment id, and a refund is reserved before the provider is asked.
CREATE UNIQUE INDEX provider_payments_reference_idx ON provider_payments (reference);
ALTER TABLE payment_refunds ALTER COLUMN provider_refund_id DROP NOT NULL;
