-- Valid PostgreSQL (15) of every group the parse-coverage issue names:
-- tests/postgres.rs checks that PostgreSQL reports no syntax error
-- (SQLSTATE 42601) for any of it, and that schema-lint reports neither a
-- parse-error nor an unsupported-statement.

-- pg_dump sequences: a serial column spelled out.
CREATE TABLE public.items (id integer NOT NULL, name text NOT NULL, code varchar(10));
CREATE SEQUENCE public.items_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.items_id_seq OWNED BY public.items.id;
ALTER TABLE ONLY public.items ALTER COLUMN id SET DEFAULT nextval('public.items_id_seq'::regclass);
ALTER TABLE ONLY public.items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
ALTER SEQUENCE public.items_id_seq RESTART WITH 10;

-- Constraints, multi-action ALTER TABLE, collations.
CREATE TABLE public.orders (id bigserial PRIMARY KEY, item_id integer, note varchar(20));
ALTER TABLE public.orders ADD CONSTRAINT orders_item_fk FOREIGN KEY (item_id) REFERENCES public.items (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE public.orders ALTER CONSTRAINT orders_item_fk NOT DEFERRABLE;
ALTER TABLE public.orders ALTER CONSTRAINT orders_item_fk DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE public.orders ALTER COLUMN item_id SET NOT NULL, ADD CONSTRAINT orders_note_check CHECK (note <> '');
ALTER TABLE public.orders ALTER COLUMN note TYPE varchar(40) COLLATE "C";
ALTER TABLE public.orders ALTER COLUMN note SET STATISTICS 200, ALTER COLUMN note SET STORAGE EXTENDED;
ALTER TABLE public.items ALTER COLUMN code TYPE varchar(12) COLLATE "C" USING code::varchar(12);

-- Triggers and routines.
CREATE OR REPLACE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql NOT LEAKPROOF AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE PROCEDURE public.touch('orders');
ALTER TRIGGER orders_touch ON public.orders RENAME TO orders_touch_row;
CREATE PROCEDURE public.noop() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE OR REPLACE PROCEDURE public.noop() LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE VIEW public.order_notes WITH (security_invoker) AS SELECT id, note FROM public.orders;

-- Owners.
CREATE ROLE app_owner NOLOGIN;
CREATE TYPE public.mood AS ENUM ('ok', 'bad');
ALTER TABLE public.orders OWNER TO app_owner;
ALTER TYPE public.mood OWNER TO app_owner;

-- Statements that do not change tables, columns, keys or indexes.
CREATE USER app_user WITH PASSWORD 'secret' LOGIN NOSUPERUSER;
CREATE ROLE app_reader NOLOGIN;
ALTER ROLE app_user SET search_path TO public, pg_catalog;
ALTER USER app_user WITH CONNECTION LIMIT 5;
GRANT app_reader TO app_user;
CREATE FUNCTION public.lookup("a" "uuid") RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
GRANT EXECUTE ON FUNCTION public.lookup("a" "uuid") TO app_user;
GRANT ALL ON ALL ROUTINES IN SCHEMA public TO app_user;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_reader;
CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION public.on_ddl();
DROP EVENT TRIGGER audit_ddl;
CREATE PUBLICATION orders_pub FOR TABLE public.orders;
ALTER PUBLICATION orders_pub ADD TABLE public.items;
CREATE STATISTICS public.items_stats ON id, name FROM public.items;
DROP STATISTICS public.items_stats;
REINDEX TABLE public.items;
SELECT ;
-- PostgreSQL accepts the syntax; without a label provider loaded it
-- refuses to run it (not a syntax error).
SECURITY LABEL FOR selinux ON TABLE public.items IS 'system_u:object_r:sepgsql_table_t:s0';
