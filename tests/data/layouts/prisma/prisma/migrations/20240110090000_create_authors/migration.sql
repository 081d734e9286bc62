-- CreateTable
CREATE TABLE "authors" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "nickname" VARCHAR(40),

    CONSTRAINT "authors_pkey" PRIMARY KEY ("id")
);
