-- The job queue of 'orchestrator worker' (PostgreSQL only: db-scheduler does not support SQLite; on SQLite these
-- tables exist and stay empty). scheduled_tasks is db-scheduler's own table, in its PostgreSQL layout: one row per
-- job waiting or running, with the worker that picked it and its last heartbeat.
CREATE TABLE scheduled_tasks (
  task_name TEXT NOT NULL,
  task_instance TEXT NOT NULL,
  task_data BYTEA,
  execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
  picked BOOLEAN NOT NULL,
  picked_by TEXT,
  last_success TIMESTAMP WITH TIME ZONE,
  last_failure TIMESTAMP WITH TIME ZONE,
  consecutive_failures INT,
  last_heartbeat TIMESTAMP WITH TIME ZONE,
  version BIGINT NOT NULL,
  priority SMALLINT,
  PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
-- What was asked and what came of it, kept after db-scheduler forgets a finished job: which worker ran it, how
-- often it was started, its result (an eval sample), and the journal of a build (its staging directory after its
-- last completed step, a base64 zip) so that a worker on another machine resumes it.
CREATE TABLE queue_jobs (
  id VARCHAR(200) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  run_id VARCHAR(200),
  payload TEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  worker VARCHAR(200),
  workers TEXT,
  attempts INTEGER NOT NULL,
  submitted_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  outcome VARCHAR(64),
  result TEXT,
  journal TEXT,
  journal_step VARCHAR(200)
);
CREATE INDEX queue_jobs_run_id ON queue_jobs (run_id);
