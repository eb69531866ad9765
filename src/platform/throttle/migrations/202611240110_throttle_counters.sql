-- Failure counters shared by every process (sign-in and other guessable secrets).
CREATE TABLE throttle_counters (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);
CREATE INDEX throttle_counters_window_idx ON throttle_counters (window_start);
