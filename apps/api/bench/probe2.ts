import { performance } from "node:perf_hooks";
import { applyMigrations, openDatabase } from "@firebreak/db";
const database = await openDatabase({ kind: "pglite-memory" });
await applyMigrations(database.adapterFactory);
const F = "00000000-0000-4000-8000-000000000001";
const states = ["INSTALLED", "REQUIRED", "FAILED", "INSTALLED_PENDING_REBOOT", "NOT_APPLICABLE"];
for (let u = 0; u < 20; u++)
  await database.prisma.$executeRawUnsafe(
    `INSERT INTO update_compliance (fleet_id, resource_id, update_id, state, state_time, source) SELECT '${F}', 100000 + g, 'KB${u}', (ARRAY['${states.join("','")}'])[1 + (g * 7 + ${u}) % 5]::"ComplianceState", now(), 'SCAN' FROM generate_series(0, 9999) AS g`,
  );
async function t(label: string, fn: () => Promise<unknown>) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await fn();
  console.log(label, ((performance.now() - t0) / 5).toFixed(1));
}
await t("raw literal", () =>
  database.prisma.$queryRawUnsafe(
    `SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = '${F}' GROUP BY update_id, state`,
  ),
);
await t("raw param", () =>
  database.prisma.$queryRawUnsafe(
    `SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = $1::uuid GROUP BY update_id, state`,
    F,
  ),
);
await t("raw text cast", () =>
  database.prisma.$queryRawUnsafe(
    `SELECT update_id, state::text, count(*) FROM update_compliance WHERE fleet_id = '${F}' GROUP BY update_id, state`,
  ),
);
await t("groupBy prisma", () =>
  database.prisma.updateCompliance.groupBy({
    by: ["updateId", "state"],
    where: { fleetId: F },
    _count: { _all: true },
  }),
);
await database.prisma.$executeRawUnsafe("ANALYZE");
await t("raw param after analyze", () =>
  database.prisma.$queryRawUnsafe(
    `SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = $1::uuid GROUP BY update_id, state`,
    F,
  ),
);
await t("raw literal after analyze", () =>
  database.prisma.$queryRawUnsafe(
    `SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = '${F}' GROUP BY update_id, state`,
  ),
);
console.log(
  await database.prisma.$queryRawUnsafe(
    `EXPLAIN SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = $1::uuid GROUP BY update_id, state`,
    F,
  ),
);
await database.close();
process.exit(0);
