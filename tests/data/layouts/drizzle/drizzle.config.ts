import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  migrations: {
    // No numeric prefix: the order lives in drizzle/meta/_journal.json only.
    prefix: "none",
  },
  dbCredentials: {
    url: process.env.DATABASE_URL!,
  },
});
