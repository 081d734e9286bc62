/*
  Warnings:

  - You are about to drop the column `nickname` on the `authors` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "authors" DROP COLUMN "nickname";

-- AlterTable
ALTER TABLE "books" ALTER COLUMN "subtitle" SET DATA TYPE TEXT;

-- CreateIndex
CREATE INDEX "idx_books_author_id" ON "books"("author_id");
