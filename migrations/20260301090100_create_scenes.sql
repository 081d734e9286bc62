-- Scenes belong to a project; deleting a project deletes its scenes.
CREATE TABLE scenes (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE ON UPDATE CASCADE,
    status_id BIGINT NOT NULL REFERENCES scene_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    approval_status_id BIGINT REFERENCES approval_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_scenes_project_id ON scenes(project_id);
CREATE INDEX idx_scenes_status_id ON scenes(status_id);
CREATE INDEX idx_scenes_approval_status_id ON scenes(approval_status_id);
CREATE UNIQUE INDEX uq_scenes_project_id_name ON scenes(project_id, name);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON scenes
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
