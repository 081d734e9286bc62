CREATE INDEX idx_events_kind ON events (kind);
