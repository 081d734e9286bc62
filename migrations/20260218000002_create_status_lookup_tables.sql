-- Status lookup tables: one per status domain. Statuses are rows, not text:
-- adding a status is an INSERT, and foreign keys guarantee known values.

-- Job statuses
CREATE TABLE job_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON job_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Approval statuses
CREATE TABLE approval_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON approval_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Worker statuses
CREATE TABLE worker_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON worker_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Project statuses
CREATE TABLE project_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON project_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Scene statuses
CREATE TABLE scene_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON scene_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Segment statuses
CREATE TABLE segment_statuses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON segment_statuses
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
