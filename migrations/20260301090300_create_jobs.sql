-- Generation jobs: a worker renders one segment. Workers come and go, so a
-- job outlives its worker (SET NULL); a segment owns its jobs (CASCADE).
CREATE TABLE workers (
    id BIGSERIAL PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES worker_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    hostname TEXT NOT NULL,
    last_seen_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_workers_status_id ON workers(status_id);
CREATE UNIQUE INDEX uq_workers_hostname ON workers(hostname);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON workers
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    segment_id BIGINT NOT NULL REFERENCES segments(id) ON DELETE CASCADE ON UPDATE CASCADE,
    assigned_worker_id BIGINT REFERENCES workers(id) ON DELETE SET NULL ON UPDATE CASCADE,
    status_id BIGINT NOT NULL REFERENCES job_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    attempt_count SMALLINT NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_jobs_segment_id ON jobs(segment_id);
CREATE INDEX idx_jobs_assigned_worker_id ON jobs(assigned_worker_id);
CREATE INDEX idx_jobs_status_id ON jobs(status_id);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
