#!/usr/bin/env node
// `npm start`: everything a fresh machine with only Node 20.19+ and npm needs, then the server.
//   1. pnpm (pinned, installed into .tools/ once; no corepack, no global install)
//   2. pnpm install --frozen-lockfile
//   3. pnpm db:generate          (skipped when the client matches schema.prisma)
//   4. pnpm db:migrate
//   5. pnpm db:seed --if-empty   (demo data on the first run of an empty embedded database)
//   6. pnpm build                (skipped when apps/console/dist is newer than its sources)
//   7. pnpm --filter @firebreak/api start, in the foreground; Ctrl-C stops it gracefully.
// `npm start -- --setup-only` (or `npm run setup`) stops after step 6.
// Environment: PORT (3000), HOST (0.0.0.0), DATA_DIR (./data), DATABASE_URL (PostgreSQL instead
// of the embedded database). The server prints the URL and the demo logins once it listens.
// Plain Node on purpose: it runs before any dependency is installed.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { formatDuration, green, heading, red } from "./lib/proc.mjs";
import { pnpm, repoRoot } from "./lib/pnpm.mjs";
import { runSetup } from "./lib/setup.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(red(`Firebreak needs Node.js 20.19 or newer; this is ${process.version}.`));
  process.exit(1);
}

const args = process.argv.slice(2);
const setupOnly = args.includes("--setup-only");
const unknown = args.filter((a) => a !== "--setup-only");
if (unknown.length) {
  console.error(`unknown argument(s): ${unknown.join(" ")}\nusage: npm start [-- --setup-only]`);
  process.exit(2);
}

// pnpm runs each workspace script in that workspace's folder, so a relative DATA_DIR would mean
// prisma/data for the migration and apps/api/data for the server. Resolve it once: the default
// is <repo>/data, a value given is relative to the folder `npm start` was typed in (INIT_CWD).
process.env.DATA_DIR = process.env.DATA_DIR
  ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.DATA_DIR)
  : path.join(repoRoot, "data");

const started = Date.now();
const setup = await runSetup({ database: true });
if (!setup.ok) {
  console.error(red(`\nSetup failed at: ${setup.failedStep}. Fix the error above and run \`npm start\` again.`));
  process.exit(1);
}
console.log(green(`\nSetup complete in ${formatDuration(Date.now() - started)}.`));
if (setupOnly) process.exit(0);

// The server prints the banner (URL and, for the embedded database, the demo logins) once it
// listens, so it is printed exactly once and only when it is true.
// Request-by-request JSON logs are for production log collectors; a terminal gets warnings and
// errors only unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= "warn";
heading(`Starting Firebreak (Ctrl-C to stop)…`);
const server = pnpm(["--reporter=silent", "--filter", "@firebreak/api", "start"]);

// First run: once the server answers, the simulator plays the demo preset in through the API
// (the same import and ingest endpoints a real forwarder uses), so a new user sees a living fleet.
const marker = path.join(process.env.DATA_DIR, "demo-fleet.pending");
if (existsSync(marker)) void fillDemoFleet();

const { code } = await server;
console.error(red(`The server stopped (exit code ${code}).`));
process.exit(code);

async function fillDemoFleet() {
  const port = process.env.PORT ?? "3000";
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  heading("First run: playing the demo fleet and the demo cases in through the API (pnpm sim --preset demo)…");
  const { code: simCode } = await pnpm(["--reporter=silent", "sim", "--url", url, "--preset", "demo"], {
    env: { NO_COLOR: "1" },
  });
  const { code: processCode } =
    simCode === 0
      ? await pnpm(["--reporter=silent", "--filter", "@firebreak/simulator", "demo-process", "--url", url])
      : { code: simCode };
  if (simCode === 0 && processCode === 0) {
    rmSync(marker, { force: true });
    console.log(green(`The demo fleet is in. Open http://localhost:${port} and sign in.`));
  } else {
    console.error(red(`Filling the demo fleet failed (exit ${simCode}); it is tried again on the next \`npm start\`.`));
  }
}
