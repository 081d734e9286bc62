-- 14 digits are read as a timestamp: hour 41 is not an hour.
CREATE TABLE tasks (id BIGSERIAL PRIMARY KEY); -- expect: migration-filename
