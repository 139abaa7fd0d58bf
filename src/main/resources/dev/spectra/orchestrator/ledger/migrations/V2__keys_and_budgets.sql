-- Gateway keys and every spending limit live here, so that any number of processes on one database agree.
-- Money that is added up inside the database is in nano-dollars (BIGINT): exact, and comparable in one UPDATE.
CREATE TABLE gateway_keys (
  id VARCHAR(32) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  created_at BIGINT NOT NULL,
  salt VARCHAR(64) NOT NULL,
  sha256 VARCHAR(64) NOT NULL,
  budget_nanos BIGINT,
  spent_nanos BIGINT NOT NULL,
  held_nanos BIGINT NOT NULL,
  rate_limit_rpm INTEGER,
  revoked_at BIGINT
);
-- One row per limited scope: 'month:2026-05', 'build:<id>'. Keys keep their own figures in gateway_keys.
CREATE TABLE budget_counters (
  scope VARCHAR(200) PRIMARY KEY,
  spent_nanos BIGINT NOT NULL,
  held_nanos BIGINT NOT NULL
);
-- A reservation not yet settled. A process that dies leaves its holds behind; they are released when they expire.
CREATE TABLE budget_holds (
  id VARCHAR(64) NOT NULL,
  scope VARCHAR(200) NOT NULL,
  amount_nanos BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (id, scope)
);
CREATE INDEX budget_holds_expires_at ON budget_holds (expires_at);
-- Requests per key per minute, shared by every gateway replica.
CREATE TABLE rate_windows (
  key_id VARCHAR(32) NOT NULL,
  window_start BIGINT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (key_id, window_start)
);
