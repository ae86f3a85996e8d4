// Benchmarks of the SMS model (issue: SMS distribution model). Each figure is printed beside a
// bare baseline measured in the same run on the same database, and as a ratio, because these
// machines are noisy. Usage: pnpm bench  (add --quick for a small run)
import Fastify from "fastify";
import { performance } from "node:perf_hooks";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, openDatabase, type Database, type DatabaseTarget } from "@firebreak/db";
import { createUser, TEST_PASSWORD } from "@firebreak/db/factories";
import { CSRF_HEADER, SESSION_COOKIE } from "@firebreak/domain";
import { buildApp } from "../src/app.js";
import { arrangeSyntheticRelease, SYNTHETIC_SITES as sites } from "./synthetic-release.js";
// @ts-expect-error plain ESM helper without types
import { startPostgres } from "../../../scripts/lib/postgres.mjs";

const quick = process.argv.includes("--quick");
const COMPUTERS = quick ? 10_000 : 100_000;
const UPDATES = 20;
const INGEST_MESSAGES = quick ? 20_000 : 60_000;
const BATCH = 5_000;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Row {
  database: string;
  measure: string;
  firebreak: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Times two functions alternately, so load on the machine falls on both alike. Medians in ms. */
async function timePair(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return [median(ta), median(tb)];
}

async function benchOne(label: string, target: DatabaseTarget, rows: Row[]) {
  const database: Database = await openDatabase(target);
  await applyMigrations(database.adapterFactory);
  const app = await buildApp({ database, bodyLimitBytes: 32 * 1024 * 1024 });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const user = await createUser(database.prisma, { role: "SMS_ADMIN" });
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: TEST_PASSWORD }),
    });
    const session = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          cookie,
          [CSRF_HEADER]: session.csrfToken,
          ...(body ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    void SESSION_COOKIE;

    // ── setup through the API
    process.stdout.write(`[${label}] importing ${COMPUTERS} computers…`);
    const token = await arrangeSyntheticRelease(api, COMPUTERS, "Bench");
    await app.tableStats.flush();
    process.stdout.write(" done\n");

    // ── 1. status ingest through the API vs raw batched INSERT of the same rows
    const messageIds = [10002, 10005, 10008];
    const messages = Array.from({ length: INGEST_MESSAGES }, (_, i) => {
      const c = i % COMPUTERS;
      return {
        messageId: messageIds[Math.floor(i / COMPUTERS) % 3]!,
        machineName: `WS${String(c).padStart(6, "0")}`,
        resourceId: 100_000 + c,
        siteCode: sites[c % sites.length]!,
        advertisementId: "CEN20001",
        time: new Date(Date.parse("2026-11-20T09:00:00Z") + i * 1000).toISOString(),
        exitCode: 0,
      };
    });
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += BATCH) {
      const res = await fetch(`${base}/api/ingest/status-messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ batchId: `bench-${label}-${i}`, messages: messages.slice(i, i + BATCH) }),
      });
      if (!res.ok) throw new Error(`ingest ${res.status} ${await res.text()}`);
    }
    const apiRate = messages.length / ((performance.now() - t0) / 1000);
    const q = (v: string) => `'${v}'`;
    const t1 = performance.now();
    for (let i = 0; i < messages.length; i += 2000) {
      const values = messages
        .slice(i, i + 2000)
        .map(
          (m) =>
            `('00000000-0000-4000-8000-000000000001','raw',${m.messageId},${q(m.machineName)},${m.resourceId},${q(m.siteCode)},${q(m.advertisementId)},${q(m.time)}::timestamptz,0)`,
        )
        .join(",");
      await database.prisma.$executeRawUnsafe(
        `INSERT INTO status_messages (fleet_id,batch_id,message_id,machine_name,resource_id,site_code,advertisement_id,time,exit_code) VALUES ${values}`,
      );
    }
    const rawRate = messages.length / ((performance.now() - t1) / 1000);
    const ingestRatio = apiRate / rawRate;
    rows.push({
      database: label,
      measure: "status ingest (messages/s)",
      firebreak: apiRate.toFixed(0),
      baseline: `${rawRate.toFixed(0)} raw INSERT`,
      ratio: `${(ingestRatio * 100).toFixed(0)} %`,
      target: label === "postgresql" ? "≥ 25 % and ≥ 10,000/s" : "≥ 25 %",
      met: ingestRatio >= 0.25 && (label !== "postgresql" || apiRate >= 10_000),
    });

    // ── 2. compliance roll-up: 100k computers × 20 updates, API vs hand-written GROUP BY
    process.stdout.write(`[${label}] loading ${COMPUTERS * UPDATES} compliance rows…`);
    const states = ["INSTALLED", "REQUIRED", "FAILED", "INSTALLED_PENDING_REBOOT", "NOT_APPLICABLE"];
    for (let u = 0; u < UPDATES; u++) {
      await database.prisma.$executeRawUnsafe(
        `INSERT INTO update_compliance (fleet_id, resource_id, update_id, state, state_time, source)
         SELECT '00000000-0000-4000-8000-000000000001', 100000 + g, 'KB9000${String(u).padStart(2, "0")}', (ARRAY['${states.join("','")}'])[1 + (g * 7 + ${u}) % 5]::"ComplianceState", now(), 'SCAN'
         FROM generate_series(0, ${COMPUTERS - 1}) AS g`,
      );
    }
    await database.prisma.$executeRawUnsafe("ANALYZE update_compliance");
    await app.tableStats.flush();
    process.stdout.write(" done\n");
    const [apiRollup, rawRollup] = await timePair(
      7,
      () => api("GET", "/api/fleets/production/compliance"),
      () =>
        database.prisma.$queryRawUnsafe(
          `SELECT update_id, state, count(*) FROM update_compliance WHERE fleet_id = '00000000-0000-4000-8000-000000000001' GROUP BY update_id, state`,
        ),
    );
    rows.push({
      database: label,
      measure: `compliance roll-up, ${COMPUTERS / 1000}k × ${UPDATES} (ms)`,
      firebreak: apiRollup.toFixed(1),
      baseline: `${rawRollup.toFixed(1)} raw GROUP BY`,
      ratio: `${(apiRollup / rawRollup).toFixed(2)} ×`,
      target: "≤ 1.5 ×",
      met: apiRollup / rawRollup <= 1.5,
    });

    const [apiAdv, rawAdv] = await timePair(
      7,
      () => api("GET", "/api/fleets/production/advertisements/CEN20001/status"),
      () =>
        database.prisma.$queryRawUnsafe(
          `SELECT s.last_state, count(*) FROM collection_members m JOIN computers c ON c.id = m.computer_row_id
           LEFT JOIN client_advert_status s ON s.fleet_id = '00000000-0000-4000-8000-000000000001' AND s.advertisement_id = 'CEN20001' AND s.resource_id = c.resource_id
           WHERE m.collection_row_id = (SELECT id FROM collections WHERE collection_id = 'CEN00001') GROUP BY s.last_state`,
        ),
    );
    rows.push({
      database: label,
      measure: `advertisement status roll-up, ${COMPUTERS / 1000}k targets (ms)`,
      firebreak: apiAdv.toFixed(1),
      baseline: `${rawAdv.toFixed(1)} raw GROUP BY`,
      ratio: `${(apiAdv / rawAdv).toFixed(2)} ×`,
      target: "≤ 1.5 ×",
      met: apiAdv / rawAdv <= 1.5,
    });

    // ── 3. one list page of 200 computers vs a bare Fastify route returning the same JSON
    const pageUrl = "/api/fleets/production/computers?pageSize=200&page=3&sort=name";
    const sameJson = JSON.stringify(await api("GET", pageUrl));
    const bare = Fastify();
    bare.get("/page", async (_req, reply) => reply.type("application/json").send(sameJson));
    // The same page straight from SQL: what a route costs without auth, validation, the service layers and zod.
    const pageSql = `SELECT id, resource_id, name, site_code, os, service_pack, client_type, is_laptop, connection_profile, boundary_id, is_patch_infrastructure, last_seen_at, online_ratio
      FROM computers WHERE fleet_id = '00000000-0000-4000-8000-000000000001' ORDER BY name, resource_id OFFSET 400 LIMIT 200`;
    const countSql = `SELECT count(*) AS n FROM computers WHERE fleet_id = '00000000-0000-4000-8000-000000000001'`;
    bare.get("/page-sql", async () => {
      const [items, n] = await Promise.all([
        database.prisma.$queryRawUnsafe<Record<string, unknown>[]>(pageSql),
        database.prisma.$queryRawUnsafe<{ n: bigint }[]>(countSql),
      ]);
      return { items, total: Number(n[0]!.n) };
    });
    await bare.listen({ port: 0, host: "127.0.0.1" });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/page`;
    const [apiPage, barePage] = await timePair(
      30,
      () => api("GET", pageUrl),
      async () => (await fetch(bareUrl)).json(),
    );
    const [apiPage2, bareSqlPage] = await timePair(
      30,
      () => api("GET", pageUrl),
      async () => (await fetch(`${bareUrl}-sql`)).json(),
    );
    await bare.close();
    rows.push({
      database: label,
      measure: "computers list page, 200 rows (ms)",
      firebreak: apiPage.toFixed(2),
      baseline: `${barePage.toFixed(2)} bare Fastify, static JSON`,
      ratio: `${((barePage / apiPage) * 100).toFixed(0)} % of bare speed`,
      target: "≥ 50 %",
      met: barePage / apiPage >= 0.5,
    });
    rows.push({
      database: label,
      measure: "computers list page, 200 rows (ms)",
      firebreak: apiPage2.toFixed(2),
      baseline: `${bareSqlPage.toFixed(2)} bare Fastify, same SQL`,
      ratio: `${((bareSqlPage / apiPage2) * 100).toFixed(0)} % of bare speed`,
      target: "≥ 50 %",
      met: bareSqlPage / apiPage2 >= 0.5,
    });
  } finally {
    await app.close();
    await database.close();
  }
}

const rows: Row[] = [];
await benchOne("pglite", { kind: "pglite-memory" }, rows);
const pg = await startPostgres();
try {
  await benchOne("postgresql", { kind: "postgres", url: pg.url, poolSize: 10 }, rows);
} finally {
  pg.stop();
}

const header = ["database", "measure", "firebreak", "baseline", "ratio", "target", "met"] as const;
const table = [
  header.join(" | "),
  header.map(() => "---").join(" | "),
  ...rows.map((r) => header.map((h) => (h === "met" ? (r.met ? "yes" : "NO") : r[h])).join(" | ")),
].join("\n");
console.log(`\n${table}\n`);
await mkdir(path.resolve(here, "../../../.bench-output"), { recursive: true });
await writeFile(
  path.resolve(here, "../../../.bench-output/api-bench.json"),
  JSON.stringify({ at: new Date().toISOString(), quick, rows }, null, 2),
);
process.exit(0);
