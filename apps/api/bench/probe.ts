import { performance } from "node:perf_hooks";
import { applyMigrations, openDatabase } from "@firebreak/db";
import { createUser, TEST_PASSWORD } from "@firebreak/db/factories";
import { buildApp } from "../src/app.js";
const database = await openDatabase({ kind: "pglite-memory" });
await applyMigrations(database.adapterFactory);
const app = await buildApp({ database });
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const user = await createUser(database.prisma, { role: "SMS_ADMIN" });
const login = await fetch(`${base}/api/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username: user.username, password: TEST_PASSWORD }),
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
const comps = Array.from({ length: 10000 }, (_, i) => ({
  resourceId: 1 + i,
  name: `WS${i}`,
  siteCode: "CEN",
  os: "XP",
  clientType: "ADVANCED",
  isLaptop: false,
  connectionProfile: "LAN",
  boundaryId: null,
  isPatchInfrastructure: false,
  lastSeenAt: null,
}));
const csrf = (
  (await (await fetch(`${base}/api/auth/session`, { headers: { cookie } })).json()) as { csrfToken: string }
).csrfToken;
const r = await fetch(`${base}/api/fleets/production/import`, {
  method: "POST",
  headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
  body: JSON.stringify({
    sites: [{ siteCode: "CEN", name: "C", type: "CENTRAL", parentSiteCode: null }],
    computers: comps,
  }),
});
console.log("import", r.status);
async function t(label: string, url: string, n = 50) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await (await fetch(base + url, { headers: { cookie } })).text();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(label, times[n >> 1]!.toFixed(2));
}
await t("health (1 query)", "/api/health");
await t("session", "/api/auth/session");
await t("sites", "/api/fleets/production/sites");
await t("page 200", "/api/fleets/production/computers?pageSize=200&page=3");
await t("page 20", "/api/fleets/production/computers?pageSize=20&page=3");
let t0 = performance.now();
for (let i = 0; i < 50; i++)
  await database.prisma.computer.count({ where: { fleetId: "00000000-0000-4000-8000-000000000001" } });
console.log("count x1", ((performance.now() - t0) / 50).toFixed(2));
t0 = performance.now();
for (let i = 0; i < 50; i++)
  await database.prisma.computer.findMany({
    where: { fleetId: "00000000-0000-4000-8000-000000000001" },
    orderBy: [{ name: "asc" }, { resourceId: "asc" }],
    skip: 400,
    take: 200,
  });
console.log("findMany x1", ((performance.now() - t0) / 50).toFixed(2));
t0 = performance.now();
for (let i = 0; i < 50; i++)
  await database.prisma.$queryRawUnsafe(
    `SELECT * FROM computers WHERE fleet_id = '00000000-0000-4000-8000-000000000001' ORDER BY name, resource_id OFFSET 400 LIMIT 200`,
  );
console.log("raw page x1", ((performance.now() - t0) / 50).toFixed(2));
await app.close();
await database.close();
process.exit(0);
