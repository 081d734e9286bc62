SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

-- dbmate's dump of the final schema (written by `dbmate up`): not a migration.

CREATE TABLE public.authors (
    id bigint NOT NULL,
    name text NOT NULL
);

CREATE TABLE public.books (
    id bigint NOT NULL,
    author_id bigint NOT NULL,
    title text NOT NULL,
    subtitle text
);

CREATE TABLE public.reviews (
    id bigint NOT NULL,
    author_id bigint NOT NULL,
    reviewer_email character varying(320) NOT NULL,
    body text NOT NULL
);

CREATE TABLE public.schema_migrations (
    version character varying(128) NOT NULL
);

--
-- Dbmate schema migrations
--

INSERT INTO public.schema_migrations (version) VALUES
    ('20240110090000'),
    ('20240111090000'),
    ('20240112090000'),
    ('20240113090000');
