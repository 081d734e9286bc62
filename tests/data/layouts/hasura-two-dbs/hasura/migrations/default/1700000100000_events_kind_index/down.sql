DROP INDEX idx_events_kind;
