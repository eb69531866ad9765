-- Citizens may register with a mobile number instead of an email address (either is the sign-in identifier).
ALTER TABLE citizens
  ALTER COLUMN email DROP NOT NULL,
  ADD COLUMN phone text UNIQUE CHECK (phone ~ '^\+[0-9]{8,15}$'),
  ADD CONSTRAINT citizens_contact_present CHECK (email IS NOT NULL OR phone IS NOT NULL);

-- A registration code goes by email or by text message; `email` then holds the mobile number it was sent to.
ALTER TABLE citizen_email_codes ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));
