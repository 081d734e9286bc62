-- Replaced by a partitioned table; only this database's events table goes.
DROP TABLE events;
CREATE TABLE events (
    id BIGSERIAL,
    kind TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
