-- The dashboard: which gateway key a call came through, which keys may manage keys, indexes for the filtered call
-- list, and figures per UTC day kept up to date by every insert (so no page sums a million rows).
ALTER TABLE calls ADD COLUMN key_id VARCHAR(32);
ALTER TABLE gateway_keys ADD COLUMN admin_key INTEGER NOT NULL DEFAULT 0;
CREATE INDEX calls_model_started ON calls (model, started_at);
CREATE INDEX calls_route_started ON calls (route, started_at);
CREATE INDEX calls_key_started ON calls (key_id, started_at);
CREATE INDEX calls_outcome_started ON calls (outcome, started_at);
CREATE INDEX calls_request_id ON calls (request_id);
-- One row per UTC day, model and route. Money in pico-dollars (BIGINT): exact for every catalog price, added up in
-- the database. lat_0..lat_11 count calls by latency: at most 50, 100, 200, ... 51200 ms, then above.
CREATE TABLE daily_figures (
  day VARCHAR(10) NOT NULL,
  model VARCHAR(128) NOT NULL,
  route VARCHAR(160) NOT NULL,
  local_model INTEGER NOT NULL,
  calls BIGINT NOT NULL,
  ok BIGINT NOT NULL,
  failed BIGINT NOT NULL,
  skipped BIGINT NOT NULL,
  fallbacks BIGINT NOT NULL,
  escalations BIGINT NOT NULL,
  unpriced BIGINT NOT NULL,
  tokens_in BIGINT NOT NULL,
  tokens_out BIGINT NOT NULL,
  cost_pico BIGINT NOT NULL,
  saved_pico BIGINT NOT NULL,
  lat_0 BIGINT NOT NULL, lat_1 BIGINT NOT NULL, lat_2 BIGINT NOT NULL, lat_3 BIGINT NOT NULL,
  lat_4 BIGINT NOT NULL, lat_5 BIGINT NOT NULL, lat_6 BIGINT NOT NULL, lat_7 BIGINT NOT NULL,
  lat_8 BIGINT NOT NULL, lat_9 BIGINT NOT NULL, lat_10 BIGINT NOT NULL, lat_11 BIGINT NOT NULL,
  PRIMARY KEY (day, model, route)
);
-- Cost per build per UTC day: the cost-per-build figures of 'stats' without reading the calls.
CREATE TABLE daily_builds (
  day VARCHAR(10) NOT NULL,
  build_id VARCHAR(128) NOT NULL,
  cost_pico BIGINT NOT NULL,
  PRIMARY KEY (day, build_id)
);
