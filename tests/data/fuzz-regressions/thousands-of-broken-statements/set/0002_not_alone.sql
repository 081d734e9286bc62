-- Part of a composite key, or unique only where a condition holds: the
-- column does not identify rows on its own.
CREATE TAB criteria LE tasks (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL,
    status TEXT NOT NULL, -- expect: status-lookup `TEXT`
    UNIQUE (project_id, status)
);
CREATE TABLE deployments (
    id BIGSERIAL PRIMARY KEY,
    state TEXT NOT NULL -- expect: status-lookup `TEXT`
);
CREATE UNIQUE INDEX uq_deployments_state ON deployments (state) WHERE state = 'active';
