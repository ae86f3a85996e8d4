#!/usr/bin/env node
// The real product for the Playwright run (apps/e2e/playwright.config.ts starts this as its
// webServer): a fresh embedded database in a temporary DATA_DIR, migrated and seeded with the
// demo accounts, then the API server serving the built console on 127.0.0.1:$E2E_PORT.
// The temporary directory is deleted when the server stops.
// Server output goes to .test-output/e2e-server.log (the test output stays readable).
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pnpm, repoRoot } from "./lib/pnpm.mjs";
import { interrupted, onCleanup } from "./lib/proc.mjs";

const port = process.env.E2E_PORT ?? "3100";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "firebreak-e2e-"));
onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));

const logDir = path.join(repoRoot, ".test-output");
mkdirSync(logDir, { recursive: true });
const logFile = path.join(logDir, "e2e-server.log");
const log = createWriteStream(logFile);

// Always the embedded database: the e2e run must never touch a server named in DATABASE_URL.
const env = {
  DATA_DIR: dataDir,
  DATABASE_URL: undefined,
  PORT: port,
  HOST: "127.0.0.1",
  NODE_ENV: "production",
  FORCE_COLOR: "0",
  // Specs post hours of simulated status in seconds: every batch with program results evaluates
  // the automatic halt rules (in production at most one evaluation per rule per 10 s).
  HALT_RULE_MIN_INTERVAL_SECONDS: "0",
};

/** Output of the steps and the server goes to the log file only. */
function pipeToLog(child) {
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
}

/** Shows the end of the log on Playwright's output (it prints the web server's stderr). */
function failWithLog(what, code) {
  if (interrupted()) return; // stopped on purpose: lib/proc.mjs exits
  log.end(() => {
    const text = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-40).join("\n");
    console.error(`e2e server: ${what} failed (exit ${code}). Last lines of ${logFile}:\n${text}`);
    process.exit(1);
  });
}

/** Runs a pnpm step with output into the log file; fails the web server when it fails. */
async function step(args) {
  log.write(`\n$ pnpm ${args.join(" ")}\n`);
  const { code } = await pnpm(args, { env, stdio: ["ignore", "pipe", "pipe"], onChild: pipeToLog, quiet: true });
  if (code !== 0) {
    failWithLog(`\`pnpm ${args.join(" ")}\``, code);
    await new Promise(() => {}); // failWithLog exits
  }
}

console.error(`e2e server: DATA_DIR=${dataDir}, port ${port}, log in ${path.relative(process.cwd(), logFile)}`);
await step(["db:migrate"]);
await step(["db:seed", "--if-empty"]);
log.write(`\n$ pnpm --filter @firebreak/api start\n`);
const { code } = await pnpm(["--filter", "@firebreak/api", "start"], {
  env,
  stdio: ["ignore", "pipe", "pipe"],
  onChild: pipeToLog,
  quiet: true,
});
// Stopped by Playwright (SIGTERM) is handled in lib/proc.mjs; getting here means it died alone.
failWithLog("the API server", code);
