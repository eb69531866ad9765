-- A duplicate payment's automatic refund that the provider refused is kept (the payer is owed the money) and marked
-- for an operator, instead of being given back as a person's refused refund is.
ALTER TABLE payment_refunds ADD COLUMN refused_at timestamptz;
ALTER TABLE payment_refunds ADD COLUMN refusal text;
