#!/usr/bin/env node
// `npm test`: every test tier, in order, then a summary table and one closing line
// "N passed, N failed" (all tiers together). Exits non-zero when anything failed.
//
//   setup      pnpm, install, Prisma client, console build (scripts/lib/setup.mjs); counts
//              only when it fails (1 failed)
//   typecheck  pnpm typecheck                                  1 check
//   lint       pnpm lint (eslint + prettier --check)           1 check
//   unit       vitest --project domain/db/console/simulator    tests from the JSON report
//   api        vitest --project api, embedded PGlite           tests from the JSON report
//   api-pg     vitest --project api, PostgreSQL 15 started here tests from the JSON report
//   e2e        Playwright in Debian's Chromium                 tests from the JSON report
//
// A tier that crashes before writing its report counts as 1 failed. Reports go to .test-output/.
// Options: --only <tier,...>   run just those tiers (setup always runs)
//          --skip <tier,...>   leave those tiers out
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureChromium } from "./lib/chromium.mjs";
import { pnpm, repoRoot } from "./lib/pnpm.mjs";
import { freePort } from "./lib/ports.mjs";
import { startPostgres } from "./lib/postgres.mjs";
import { bold, dim, formatDuration, green, heading, interrupted, red, yellow } from "./lib/proc.mjs";
import { countPlaywright, countVitest } from "./lib/reports.mjs";
import { runSetup } from "./lib/setup.mjs";

const outDir = path.join(repoRoot, ".test-output");
const UNIT_PROJECTS = ["domain", "db", "console", "simulator"];

// --- arguments ------------------------------------------------------------------------------

const TIER_NAMES = ["typecheck", "lint", "unit", "api", "api-pg", "e2e"];
function parseList(flag) {
  const i = process.argv.indexOf(flag);
  if (i === -1) return null;
  const list = (process.argv[i + 1] ?? "").split(",").filter(Boolean);
  const bad = list.filter((t) => !TIER_NAMES.includes(t));
  if (!list.length || bad.length) {
    console.error(`${flag} takes a comma-separated list of: ${TIER_NAMES.join(", ")}`);
    process.exit(2);
  }
  return list;
}
const only = parseList("--only");
const skip = parseList("--skip") ?? [];
const wanted = (name) => (!only || only.includes(name)) && !skip.includes(name);

// --- tiers ----------------------------------------------------------------------------------

/** A command that is one check: passed when it exits 0. */
async function checkTier(args) {
  const { code } = await pnpm(args);
  return code === 0
    ? { passed: 1, failed: 0, skipped: 0, note: "" }
    : { passed: 0, failed: 1, skipped: 0, note: `exit code ${code}` };
}

/** Project names that vitest resolves from vitest.config.ts and that have test files right now. */
async function vitestProjectsWithTests() {
  const file = path.join(outDir, "vitest-list.json");
  rmSync(file, { force: true });
  const { code } = await pnpm(["exec", "vitest", "list", "--filesOnly", `--json=${file}`]);
  if (code !== 0) return null;
  try {
    const entries = JSON.parse(readFileSync(file, "utf8"));
    return [...new Set(entries.map((e) => e.projectName).filter(Boolean))];
  } catch {
    return null;
  }
}

/** Runs vitest with a JSON report and counts from it. */
async function vitestTier(reportName, projects, env = {}) {
  const report = path.join(outDir, `${reportName}.json`);
  rmSync(report, { force: true });
  const args = ["exec", "vitest", "run", ...projects.flatMap((p) => ["--project", p])];
  args.push("--reporter=default", "--reporter=json", `--outputFile.json=${report}`);
  const { code } = await pnpm(args, { env });
  return countVitest(report, code);
}

async function unitTier() {
  const available = await vitestProjectsWithTests();
  if (!available) return { passed: 0, failed: 1, skipped: 0, note: "`vitest list` failed: see the error above" };
  // Accept a project called "domain" or one named after its package ("@firebreak/domain").
  const pick = (name) => available.find((p) => p === name || p.endsWith(`/${name}`));
  const projects = UNIT_PROJECTS.map(pick).filter(Boolean);
  const missing = UNIT_PROJECTS.filter((name) => !pick(name));
  if (missing.length) console.log(dim(`no test files (or no such vitest project) for: ${missing.join(", ")}`));
  if (!projects.length) return { passed: 0, failed: 1, skipped: 0, note: "no unit test project has test files" };
  return vitestTier("unit", projects);
}

async function apiPostgresTier() {
  let pg;
  try {
    pg = await startPostgres();
  } catch (err) {
    console.error(red(err instanceof Error ? err.message : String(err)));
    return { passed: 0, failed: 1, skipped: 0, note: "PostgreSQL 15 did not start" };
  }
  console.log(`PostgreSQL 15 is running at ${pg.url} (data in ${pg.dir})`);
  try {
    return await vitestTier("api-postgres", ["api"], { TEST_DATABASE_URL: pg.url });
  } finally {
    pg.stop();
    console.log(dim("PostgreSQL stopped and its directory removed"));
  }
}

async function e2eTier() {
  if (!(await ensureChromium())) return { passed: 0, failed: 1, skipped: 0, note: "Chromium is not installed" };
  const report = path.join(outDir, "e2e.json");
  rmSync(report, { force: true });
  const port = process.env.E2E_PORT ?? String(await freePort());
  const { code } = await pnpm(["--filter", "@firebreak/e2e", "test"], { env: { E2E_PORT: port } });
  return countPlaywright(report, code);
}

const tiers = [
  { name: "typecheck", title: "Type check (pnpm typecheck)", run: () => checkTier(["typecheck"]) },
  { name: "lint", title: "Lint and format check (pnpm lint)", run: () => checkTier(["lint"]) },
  { name: "unit", title: `Unit tests (vitest: ${UNIT_PROJECTS.join(", ")})`, run: unitTier },
  {
    name: "api",
    title: "API integration tests on embedded PGlite (vitest --project api)",
    run: () => vitestTier("api-pglite", ["api"]),
  },
  { name: "api-pg", title: "API integration tests on PostgreSQL 15 (vitest --project api)", run: apiPostgresTier },
  { name: "e2e", title: "End-to-end tests in Chromium (Playwright)", run: e2eTier },
].filter((t) => wanted(t.name));

// --- run ------------------------------------------------------------------------------------

const started = Date.now();
mkdirSync(outDir, { recursive: true });
const rows = [];

const setup = await runSetup({ database: false, stopOnFailure: false });
const setupMs = setup.results.reduce((sum, r) => sum + r.ms, 0);
if (!setup.ok) {
  rows.push({ name: "setup", passed: 0, failed: 1, skipped: 0, ms: setupMs, note: `failed: ${setup.failedStep}` });
}
const installed = setup.results.slice(0, 2).every((r) => r.status !== "failed") && setup.results.length >= 2;

for (const [i, tier] of tiers.entries()) {
  if (interrupted()) break;
  heading(`Tier ${i + 1}/${tiers.length}: ${tier.title}`);
  const tierStart = Date.now();
  let result;
  if (!installed) {
    result = { passed: 0, failed: 1, skipped: 0, note: "not run: dependencies are not installed" };
  } else {
    try {
      result = await tier.run();
    } catch (err) {
      console.error(red(err instanceof Error ? (err.stack ?? err.message) : String(err)));
      result = { passed: 0, failed: 1, skipped: 0, note: "the runner itself crashed in this tier" };
    }
  }
  const row = { name: tier.name, ...result, ms: Date.now() - tierStart };
  rows.push(row);
  const verdict = row.failed ? red(`✗ ${row.failed} failed`) : green("✓ all passed");
  console.log(
    `${verdict}, ${row.passed} passed${row.skipped ? `, ${row.skipped} skipped` : ""} (${formatDuration(row.ms)})${row.note ? ` — ${row.note}` : ""}`,
  );
}

// --- summary --------------------------------------------------------------------------------

const total = { passed: 0, failed: 0, skipped: 0 };
for (const row of rows) for (const key of Object.keys(total)) total[key] += row[key];

heading(`Summary (${formatDuration(Date.now() - started)}, setup ${formatDuration(setupMs)})`);
const header = ["tier", "passed", "failed", "skipped", "time", "note"];
const table = [
  header,
  ...rows.map((r) => [
    r.name,
    String(r.passed),
    String(r.failed),
    String(r.skipped),
    formatDuration(r.ms),
    r.note ?? "",
  ]),
];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const [n, row] of table.entries()) {
  const line = row
    .map((cell, c) => (c >= 1 && c <= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
    .join("  ")
    .trimEnd();
  const failedRow = n > 0 && rows[n - 1].failed > 0;
  console.log(n === 0 ? bold(line) : failedRow ? red(line) : line);
}
if (total.skipped) console.log(yellow(`${total.skipped} test(s) skipped: by policy there should be none.`));
console.log(dim(`Reports: ${path.relative(process.cwd(), outDir) || "."}/`));
if (interrupted())
  console.log(red(`Interrupted (${interrupted()}): the tiers after "${rows.at(-1)?.name}" did not run.`));
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(interrupted() ? 130 : total.failed > 0 || rows.length === 0 ? 1 : 0);
