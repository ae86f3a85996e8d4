import { performance } from "node:perf_hooks";
import { applyMigrations, openDatabase } from "@firebreak/db";
const database = await openDatabase({ kind: "pglite-memory" });
await applyMigrations(database.adapterFactory);
const F = "00000000-0000-4000-8000-000000000001";
const db = database.prisma;
await db.$executeRawUnsafe(
  `INSERT INTO sites (id, fleet_id, site_code, name, type, updated_at) VALUES (gen_random_uuid(), '${F}', 'CEN', 'C', 'CENTRAL', now())`,
);
await db.$executeRawUnsafe(
  `INSERT INTO computers (id, fleet_id, resource_id, name, site_code, os, client_type, is_laptop, connection_profile) SELECT gen_random_uuid(), '${F}', g, 'WS'||g, 'CEN', 'XP', 'ADVANCED', false, 'LAN' FROM generate_series(1, 100000) g`,
);
await db.$executeRawUnsafe(
  `INSERT INTO collections (id, fleet_id, collection_id, name, rules, purpose) VALUES ('11111111-1111-4111-8111-111111111111', '${F}', 'CEN00001', 'All', '[]', 'TARGET')`,
);
await db.$executeRawUnsafe(
  `INSERT INTO collection_members SELECT '11111111-1111-4111-8111-111111111111', id FROM computers`,
);
await db.$executeRawUnsafe(
  `INSERT INTO client_advert_status (fleet_id, advertisement_id, resource_id, last_state, last_status_message_id, last_status_time) SELECT '${F}', 'CEN20001', g, CASE WHEN g % 3 = 0 THEN 'SUCCEEDED' ELSE 'RUNNING' END, 10008, now() FROM generate_series(1, 60000) g`,
);
async function t(label: string, sql: string) {
  await db.$queryRawUnsafe(sql);
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) await db.$queryRawUnsafe(sql);
  console.log(label, ((performance.now() - t0) / 3).toFixed(1));
}
const q1 = `SELECT s.last_state, count(*) FROM collection_members m JOIN computers c ON c.id = m.computer_row_id LEFT JOIN client_advert_status s ON s.fleet_id = '${F}' AND s.advertisement_id = 'CEN20001' AND s.resource_id = c.resource_id WHERE m.collection_row_id = '11111111-1111-4111-8111-111111111111' GROUP BY s.last_state`;
console.log("loaded");
await db.$executeRawUnsafe("ANALYZE");
await t("members join after analyze", q1);
const rows = await db.$queryRawUnsafe(`EXPLAIN ${q1}`);
console.log(rows);
await database.close();
process.exit(0);
