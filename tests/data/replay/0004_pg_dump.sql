-- pg_dump's way of writing serial columns and other forms the parser needs
-- help with; tests/postgres.rs compares the replayed model with the
-- catalog PostgreSQL builds from them.
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.accounts (
    id integer NOT NULL,
    handle character varying(40) COLLATE pg_catalog."C" NOT NULL,
    note text
);

CREATE SEQUENCE public.accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;
ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);
ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

-- A sequence renamed and widened, and one dropped with its column.
CREATE SEQUENCE public.shared_counter AS smallint;
ALTER SEQUENCE public.shared_counter RENAME TO counter;
ALTER SEQUENCE public.counter AS bigint;
ALTER TABLE public.accounts ADD COLUMN serial_no bigint DEFAULT nextval('public.counter'::regclass);
ALTER TABLE public.accounts ADD COLUMN scratch serial;
ALTER TABLE public.accounts DROP COLUMN scratch;

-- Multi-action ALTER TABLE with actions the parser does not read.
CREATE TABLE public.events (
    id bigserial PRIMARY KEY,
    account_id integer,
    kind varchar(20) NOT NULL
);
ALTER TABLE public.events
    ALTER COLUMN account_id SET NOT NULL,
    ALTER COLUMN kind TYPE varchar(30) COLLATE "C",
    ALTER COLUMN kind SET STATISTICS 200,
    ADD CONSTRAINT events_account_fk FOREIGN KEY (account_id) REFERENCES public.accounts (id) DEFERRABLE;
ALTER TABLE public.events ALTER CONSTRAINT events_account_fk NOT DEFERRABLE;
ALTER TABLE public.events ALTER COLUMN kind SET STORAGE EXTERNAL, CLUSTER ON events_pkey;

-- Identity, then not.
CREATE TABLE public.tokens (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, value text NOT NULL);
ALTER TABLE public.tokens ALTER COLUMN id DROP IDENTITY IF EXISTS;

-- Tables moved between schemas.
CREATE SCHEMA archive;
CREATE TABLE public.old_events (id bigint PRIMARY KEY);
ALTER TABLE public.old_events SET SCHEMA archive;

-- Triggers renamed.
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql NOT LEAKPROOF AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER events_touch BEFORE UPDATE ON public.events FOR EACH ROW EXECUTE PROCEDURE public.touch('events', 1);
ALTER TRIGGER events_touch ON public.events RENAME TO events_touch_updated;
