-- When a service's fee is due: on submission (the application waits for it before the department sees it) or on
-- approval (the licence is issued only once the approved application's fee is paid).
ALTER TABLE services ADD COLUMN fee_due text NOT NULL DEFAULT 'submission' CHECK (fee_due IN ('submission', 'approval'));
-- payment_due: approved, waiting for the fee that is due on approval; the licence follows the payment.
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
  CHECK (status IN ('draft', 'awaiting_payment', 'submitted', 'information_requested', 'recommended', 'payment_due', 'approved', 'rejected', 'withdrawn'));
