-- Projects: the root of the example domain (projects -> scenes -> segments).
CREATE TABLE projects (
    id BIGSERIAL PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES project_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    country_code CHAR(2),
    is_archived BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_projects_status_id ON projects(status_id);
CREATE UNIQUE INDEX uq_projects_name ON projects(name);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
