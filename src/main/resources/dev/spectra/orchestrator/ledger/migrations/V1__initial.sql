-- Portable SQL (SQLite and PostgreSQL): no AUTOINCREMENT/SERIAL, no booleans (0/1 integers), times as epoch
-- milliseconds, money as exact decimal text (summed in Java, never as floating point).
CREATE TABLE calls (
  id VARCHAR(64) PRIMARY KEY,
  started_at BIGINT NOT NULL,
  request_id VARCHAR(128),
  build_id VARCHAR(128),
  step VARCHAR(128),
  requested_as VARCHAR(128),
  route VARCHAR(160),
  tier INTEGER NOT NULL,
  model VARCHAR(128) NOT NULL,
  served_model_id VARCHAR(256),
  local_model INTEGER NOT NULL,
  tokens_in INTEGER NOT NULL,
  tokens_out INTEGER NOT NULL,
  tokens_estimated INTEGER NOT NULL,
  ttft_ms BIGINT,
  latency_ms BIGINT,
  outcome VARCHAR(16) NOT NULL,
  failure_type VARCHAR(64),
  failure_message VARCHAR(1000),
  decision VARCHAR(32),
  json_stage VARCHAR(32),
  repairs VARCHAR(1000),
  reasks INTEGER NOT NULL,
  cost_usd VARCHAR(48),
  saved_usd VARCHAR(48) NOT NULL,
  catalog_version VARCHAR(64)
);
CREATE INDEX calls_started_at ON calls (started_at);
CREATE INDEX calls_build_id ON calls (build_id);
CREATE INDEX calls_model ON calls (model);
CREATE TABLE builds (
  id VARCHAR(128) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  request TEXT,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  outcome VARCHAR(32),
  out_dir VARCHAR(1000),
  staging_dir VARCHAR(1000),
  calls INTEGER,
  tokens_in BIGINT,
  tokens_out BIGINT,
  cost_usd VARCHAR(48),
  saved_usd VARCHAR(48)
);
CREATE INDEX builds_started_at ON builds (started_at);
CREATE TABLE steps (
  build_id VARCHAR(128) NOT NULL,
  step VARCHAR(128) NOT NULL,
  seq INTEGER NOT NULL,
  status VARCHAR(16) NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  detail TEXT,
  PRIMARY KEY (build_id, step)
);
