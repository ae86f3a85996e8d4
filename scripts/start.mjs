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
heading(`Starting Firebreak (Ctrl-C to stop)…`);
const { code } = await pnpm(["--reporter=silent", "--filter", "@firebreak/api", "start"]);
console.error(red(`The server stopped (exit code ${code}).`));
process.exit(code);
