import type { DbClient } from "../../plugins/db.js";

export const healthRepository = {
  async latestMigration(db: DbClient): Promise<string | null> {
    const rows = await db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
      ORDER BY migration_name DESC LIMIT 1`;
    return rows[0]?.migration_name ?? null;
  },
};
