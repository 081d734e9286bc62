-- golang-migrate versions are any number: only 14 digits are judged as a date-time.
ALTER TABLE tasks ADD COLUMN notes TEXT;
