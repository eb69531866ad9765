-- The outbox becomes the delivery queue for every transport: a message is written in the same transaction as the
-- change that causes it, then delivered (SMTP, SMS gateway, or the development log) and marked. Failed attempts
-- wait and go again; nothing is lost when a mail server or gateway is down.
ALTER TABLE outbox_messages
  ADD COLUMN sent_at timestamptz,
  ADD COLUMN failed_at timestamptz,
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN last_error text,
  -- A one-time code is useless after it expires: delivery stops trying then.
  ADD COLUMN deliver_before timestamptz;
-- Messages from before this change were only ever meant for the development outbox.
UPDATE outbox_messages SET sent_at = created_at;
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
