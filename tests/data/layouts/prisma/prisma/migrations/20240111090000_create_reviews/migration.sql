-- CreateTable
CREATE TABLE "reviews" (
    "id" BIGSERIAL NOT NULL,
    "author_id" BIGINT NOT NULL,
    "reviewer_email" VARCHAR(320) NOT NULL, -- expect: prefer-text `VARCHAR(320)`
    "body" TEXT NOT NULL,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors"("id") ON DELETE CASCADE ON UPDATE CASCADE; -- expect: foreign-key-index `"author_id"`
