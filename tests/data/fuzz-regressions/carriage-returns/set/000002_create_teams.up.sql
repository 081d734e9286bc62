-- An up without its down is fine unless `require-down = true`.
CREATE TABLE teams (id BIGSERIAL PRIMARY KEY);
