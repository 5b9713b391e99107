import { closeDb, describeDatabase, getDb } from "./index";

// `npm run db:migrate`: opening the database applies pending migrations.
try {
  await getDb();
  console.log(`Migrations applied to ${describeDatabase()}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDb();
}
