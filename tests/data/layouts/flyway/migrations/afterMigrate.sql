-- Flyway callback, run after every migrate: not a migration.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;
