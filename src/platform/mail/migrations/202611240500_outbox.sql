-- The development outbox: mail and text messages that would have been sent, kept for the developer to read.
CREATE TABLE outbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient text NOT NULL,
  subject text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_created_idx ON outbox_messages (created_at DESC);
CREATE INDEX outbox_messages_recipient_idx ON outbox_messages (recipient, created_at DESC);
