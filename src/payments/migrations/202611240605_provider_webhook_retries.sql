-- Like real acquirers, the built-in provider retries a webhook our endpoint did not accept, with growing gaps.
ALTER TABLE provider_webhook_events ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE provider_webhook_events ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX provider_webhook_events_retry_idx ON provider_webhook_events (next_attempt_at) WHERE delivered_at IS NULL;
