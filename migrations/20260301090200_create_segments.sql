-- Segments belong to a scene and may continue an earlier segment.
CREATE TABLE segments (
    id BIGSERIAL PRIMARY KEY,
    scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE ON UPDATE CASCADE,
    previous_segment_id BIGINT REFERENCES segments(id) ON DELETE SET NULL ON UPDATE CASCADE,
    status_id BIGINT NOT NULL REFERENCES segment_statuses(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    sequence_number INTEGER NOT NULL,
    duration_ms INTEGER,
    has_audio BOOLEAN NOT NULL DEFAULT false,
    generated_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_segments_scene_id_sequence_number UNIQUE (scene_id, sequence_number)
);

-- scene_id is covered by uq_segments_scene_id_sequence_number.
CREATE INDEX idx_segments_previous_segment_id ON segments(previous_segment_id);
CREATE INDEX idx_segments_status_id ON segments(status_id);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON segments
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
