-- Hand-written and never added to meta/_journal.json: drizzle-kit does not apply it.
ALTER TABLE "books" ADD COLUMN "alt_title" varchar(80); -- expect: migration-layout
