DROP TABLE labels; -- expect: migration-filename
