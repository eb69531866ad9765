-- A record (a bill, an application's fee) is paid for once. A second payment that also succeeds for it (two tabs, two
-- devices) is settled as a duplicate of the first and refunded in full; this names the payment that counted.
ALTER TABLE payments ADD COLUMN duplicate_of uuid REFERENCES payments (id);
-- Refunds a crash left reserved but unconfirmed, for reconciliation to finish.
CREATE INDEX payment_refunds_pending_idx ON payment_refunds (created_at) WHERE provider_refund_id IS NULL;
