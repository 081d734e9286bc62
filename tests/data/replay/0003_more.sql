CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    published_at TIMESTAMP,
    deleted_at TIMESTAMPTZ
);
ALTER TABLE ONLY posts
    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX idx_posts_author_id ON posts (author_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX uq_posts_lower_title ON posts (lower(title));
CREATE INDEX idx_posts_published_at ON posts USING brin (published_at);

-- Dropping a column drops the indexes and constraints that use it.
CREATE INDEX idx_posts_body ON posts (body);
ALTER TABLE posts DROP COLUMN body;
ALTER TABLE posts DROP COLUMN published_at;
DROP INDEX IF EXISTS idx_posts_published_at;

CREATE TABLE tags (name TEXT NOT NULL);
ALTER TABLE tags ADD PRIMARY KEY (name);
CREATE TABLE post_tags (
    post_id BIGINT NOT NULL REFERENCES posts ON DELETE CASCADE ON UPDATE CASCADE,
    tag TEXT NOT NULL REFERENCES tags (name) ON UPDATE CASCADE,
    CONSTRAINT uq_post_tags_post_id_tag UNIQUE (post_id, tag)
);
ALTER TABLE post_tags DROP CONSTRAINT post_tags_tag_fkey;
