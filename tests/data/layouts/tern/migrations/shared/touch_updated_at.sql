-- Shared template (tern reads every .sql file in a sub-folder as a template);
-- 5_authors_updated_at.sql includes it. Not a migration of its own.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
