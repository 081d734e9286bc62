-- One violation of every rule `schema-lint fix` corrects, on top of the
-- example set: reviews of scenes, by reviewers.
CREATE TABLE reviewers (
    id SERIAL PRIMARY KEY,                          -- bigint-primary-key
    email VARCHAR(320) NOT NULL,                    -- prefer-text
    CONSTRAINT reviewers_email_key UNIQUE (email),  -- unique-naming
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- updated-at-trigger: reviewers has no trigger.

CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    reviewer_id INTEGER NOT NULL REFERENCES reviewers (id), -- bigint-foreign-key, explicit-fk-actions, foreign-key-index
    scene_id BIGINT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status_id BIGINT NOT NULL REFERENCES scene_statuses (id) ON DELETE CASCADE ON UPDATE CASCADE, -- status-fk-restrict
    verdict TEXT NOT NULL,
    reviewed_at TIMESTAMP                            -- prefer-timestamptz
    -- timestamp-columns: no created_at, no updated_at
);

CREATE INDEX reviews_scene ON reviews (scene_id);  -- index-naming
CREATE INDEX ON reviews (status_id);               -- index-naming (unnamed)
