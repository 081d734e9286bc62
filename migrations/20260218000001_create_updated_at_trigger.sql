-- Reusable trigger function: keeps updated_at current on every UPDATE.
-- Every table attaches it with a BEFORE UPDATE ... FOR EACH ROW trigger.
CREATE OR REPLACE FUNCTION trigger_set_updated_at()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
