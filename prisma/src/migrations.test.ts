import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { applyMigrations, diffSchemaAgainstDatabase, isEmptyDiff, listMigrations } from "./migrate.js";

describe("migrations", () => {
  it("bring an empty database exactly to what schema.prisma describes", async () => {
    const db = await openDatabase({ kind: "pglite-memory" });
    try {
      const applied = await applyMigrations(db.adapterFactory);
      expect(applied).toEqual((await listMigrations()).map((m) => m.name));
      const drift = await diffSchemaAgainstDatabase(db.adapterFactory);
      // Non-empty SQL here means schema.prisma changed without `pnpm db:migration <name>`.
      expect(
        isEmptyDiff(drift),
        `schema.prisma and prisma/migrations disagree; run pnpm db:migration <name>. Pending SQL:\n${drift}`,
      ).toBe(true);
      expect(await applyMigrations(db.adapterFactory)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("keep the audit log append-only at the database level", async () => {
    const db = await openDatabase({ kind: "pglite-memory" });
    try {
      await applyMigrations(db.adapterFactory);
      await db.prisma
        .$executeRaw`INSERT INTO audit_entries (actor_name, action, entity_type, prev_hash, hash) VALUES ('x', 'a', 'b', 'p', 'h')`;
      await expect(db.prisma.$executeRaw`UPDATE audit_entries SET action = 'tampered'`).rejects.toThrow(/append-only/);
      await expect(db.prisma.$executeRaw`DELETE FROM audit_entries`).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });
});
