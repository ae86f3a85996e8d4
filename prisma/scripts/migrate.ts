// Applies pending migrations to the configured database (DATABASE_URL, or embedded PGlite in $DATA_DIR).
// Usage: pnpm db:migrate
import { databaseTargetFromEnv, describeTarget, openDatabase } from "../src/database.js";
import { applyMigrations } from "../src/migrate.js";

const target = databaseTargetFromEnv(process.env);
const db = await openDatabase(target);
try {
  const applied = await applyMigrations(db.adapterFactory);
  console.log(
    applied.length
      ? `applied ${applied.length} migration(s) to ${describeTarget(target)}: ${applied.join(", ")}`
      : `${describeTarget(target)} is up to date`,
  );
} finally {
  await db.close();
}
// The schema engine keeps a handle open; nothing else is pending here.
process.exit(0);
