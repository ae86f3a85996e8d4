// One-off probe (decision 008, docs/performance.md "Automatic halt rules"): what an armed halt rule
// costs a status batch on an advertisement with 100,000 finished clients. Embedded PGlite, in
// process (app.inject). Usage: pnpm --filter @firebreak/api exec tsx bench/halt-rule-probe.ts
import { performance } from "node:perf_hooks";
import { applyMigrations, openDatabase } from "@firebreak/db";
import { createUser, TEST_PASSWORD } from "@firebreak/db/factories";
import { CSRF_HEADER, PRODUCTION_FLEET_ID } from "@firebreak/domain";
import { buildApp } from "../src/app.js";
import { haltRuleRunner } from "../src/modules/halts/halt-rules.runner.js";
import { haltsRepository } from "../src/modules/halts/halts.repository.js";
import { arrangeSyntheticRelease, syntheticMachine as machine } from "./synthetic-release.js";

const COMPUTERS = 100_000;
const BATCH = 5_000;
const RUNS = 9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const database = await openDatabase({ kind: "pglite-memory" });
await applyMigrations(database.adapterFactory);
const app = await buildApp({ database, bodyLimitBytes: 32 * 1024 * 1024, haltRules: { minIntervalSeconds: 10 } });
await app.ready();
const runner = haltRuleRunner(app.prisma);

const admin = await createUser(database.prisma, { role: "SMS_ADMIN" });
const login = await app.inject({
  method: "POST",
  url: "/api/auth/login",
  payload: { username: admin.username, password: TEST_PASSWORD },
});
const csrf = login.json<{ csrfToken: string }>().csrfToken;
const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
async function api(method: "POST" | "PUT", url: string, payload: object) {
  const res = await app.inject({ method, url, payload, headers: { cookie, [CSRF_HEADER]: csrf } });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

process.stdout.write(`importing ${COMPUTERS} computers…`);
const token = await arrangeSyntheticRelease(api, COMPUTERS, "Probe");
process.stdout.write(" done\n");

let batchNo = 0;
let clock = Date.parse("2026-11-20T09:00:00Z");
/** A batch of results (10008, every 20th 10006) or of starts (10005) for BATCH machines from `first`. */
function batch(first: number, kind: "RESULTS" | "STARTS") {
  return {
    batchId: `halt-probe-${batchNo++}`,
    messages: Array.from({ length: BATCH }, (_, k) => {
      const i = (first + k) % COMPUTERS;
      const failed = kind === "RESULTS" && i % 20 === 0;
      return {
        messageId: kind === "STARTS" ? 10005 : failed ? 10006 : 10008,
        ...machine(i),
        machineName: machine(i).name,
        advertisementId: "CEN20001",
        time: new Date((clock += 10)).toISOString(),
        ...(kind === "RESULTS" ? { exitCode: failed ? 1603 : 0 } : {}),
      };
    }),
  };
}
async function ingest(body: ReturnType<typeof batch>) {
  const res = await app.inject({
    method: "POST",
    url: "/api/ingest/status-messages",
    payload: body,
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
}

process.stdout.write(`every machine reports a result (${COMPUTERS / BATCH} batches)…`);
for (let i = 0; i < COMPUTERS; i += BATCH) await ingest(batch(i, "RESULTS"));
await app.tableStats.flush();
process.stdout.write(" done\n");

// The recount one armed rule costs (what every batch paid per rule before the fix).
const evalTimes: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  await haltsRepository.finishedBySite(app.prisma, PRODUCTION_FLEET_ID, "CEN20001", null);
  evalTimes.push(performance.now() - t0);
}

// The same batch with no rule at all: the baseline.
const ackNoRule: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  await ingest(batch((r * BATCH) % COMPUTERS, "RESULTS"));
  ackNoRule.push(performance.now() - t0);
  await runner.settled();
}

// An armed rule that never fires here (5 % failures against 50 %).
await api("PUT", "/api/fleets/production/advertisements/CEN20001/halt-rule", {
  failurePct: 50,
  minSample: 100,
  perSite: true,
  overall: true,
});
await runner.settled();

const ackNow: number[] = []; // the acknowledgement as built now (evaluation in the background, throttled)
const ackOld: number[] = []; // acknowledgement + a synchronous evaluation (the old ingest route)
const ackStarts: number[] = []; // a batch without results (evaluation skipped)
for (let r = 0; r < RUNS; r++) {
  const first = (r * BATCH * 3) % COMPUTERS;
  let t0 = performance.now();
  await ingest(batch(first, "RESULTS"));
  ackNow.push(performance.now() - t0);
  await runner.settled();

  t0 = performance.now();
  await ingest(batch(first + BATCH, "RESULTS"));
  await runner.evaluate(PRODUCTION_FLEET_ID, ["CEN20001"], "probe", { throttle: false });
  ackOld.push(performance.now() - t0);
  await runner.settled();

  t0 = performance.now();
  await ingest(batch(first + 2 * BATCH, "STARTS"));
  ackStarts.push(performance.now() - t0);
  await runner.settled();
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(
  JSON.stringify(
    {
      computers: COMPUTERS,
      batch: BATCH,
      runs: RUNS,
      recountOfOneRule: fmt(median(evalTimes)),
      ackWithoutRule: fmt(median(ackNoRule)),
      ackNow: fmt(median(ackNow)),
      ackWithSynchronousEvaluation: fmt(median(ackOld)),
      ackOfStartsOnlyBatch: fmt(median(ackStarts)),
    },
    null,
    2,
  ),
);
await app.close();
await database.close();
