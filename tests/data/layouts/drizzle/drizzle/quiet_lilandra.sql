CREATE TABLE "reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"author_id" bigint NOT NULL,
	"reviewer_email" varchar(320) NOT NULL, -- expect: prefer-text `varchar(320)`
	"body" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE cascade ON UPDATE cascade; -- expect: foreign-key-index `"author_id"`
