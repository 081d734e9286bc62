CREATE TABLE "authors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"nickname" varchar(40)
);
