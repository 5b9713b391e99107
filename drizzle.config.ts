import { defineConfig } from "drizzle-kit";

// drizzle-kit runs outside the app, so it reads the connection itself. `generate` needs none;
// `studio` opens the same database the app would (stop `npm run dev` first when on PGlite,
// which cannot be shared between processes).
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/server/db/schema/index.ts",
  out: "./drizzle",
  schemaFilter: ["auth", "app"],
  strict: true,
  verbose: true,
  ...(databaseUrl
    ? { dbCredentials: { url: databaseUrl } }
    : { driver: "pglite", dbCredentials: { url: process.env.PGLITE_DATA_DIR ?? ".data/pglite" } }),
});
