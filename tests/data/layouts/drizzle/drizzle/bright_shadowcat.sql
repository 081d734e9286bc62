ALTER TABLE "books" ALTER COLUMN "subtitle" SET DATA TYPE text;--> statement-breakpoint
CREATE INDEX "idx_books_author_id" ON "books" USING btree ("author_id");--> statement-breakpoint
ALTER TABLE "authors" DROP COLUMN "nickname";
