// The setup steps shared by `npm start` (scripts/start.mjs) and `npm test` (scripts/test.mjs):
// pinned pnpm, dependencies, Prisma client, database migrations and demo seed, console build.
// Steps that are already up to date are skipped where that is cheap and safe to tell.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensurePnpm, pnpm, repoRoot, toolsDir } from "./pnpm.mjs";
import { dim, formatDuration, heading, red } from "./proc.mjs";

const stampsDir = path.join(toolsDir, "stamps");

function readStamp(name) {
  try {
    return readFileSync(path.join(stampsDir, name), "utf8");
  } catch {
    return null;
  }
}

function writeStamp(name, value) {
  mkdirSync(stampsDir, { recursive: true });
  writeFileSync(path.join(stampsDir, name), value);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

// --- Prisma client -------------------------------------------------------------------------

const schemaPath = path.join(repoRoot, "prisma", "schema.prisma");
const generatedClient = path.join(repoRoot, "prisma", "generated", "client", "client.ts");

/** What the generated client depends on: the schema and the installed Prisma version. */
function prismaGenerateKey() {
  const prismaPkg = readJson(path.join(repoRoot, "prisma", "node_modules", "prisma", "package.json"));
  const schema = existsSync(schemaPath) ? readFileSync(schemaPath, "utf8") : "";
  return sha256(`${prismaPkg?.version ?? "?"}\n${schema}`);
}

function prismaClientUpToDate() {
  return existsSync(generatedClient) && readStamp("prisma-generate") === prismaGenerateKey();
}

// --- Console build ---------------------------------------------------------------------------

const consoleDir = path.join(repoRoot, "apps", "console");
const consoleDist = path.join(consoleDir, "dist", "index.html");
const ignoredDirs = new Set(["node_modules", "dist", ".turbo", "coverage"]);

/** Newest mtime of the files and folders under dir (a folder's mtime changes when a file is added or removed). */
function newestMtime(dir) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    newest = Math.max(newest, st.mtimeMs);
    if (!st.isDirectory()) return;
    for (const entry of readdirSync(p)) {
      if (!ignoredDirs.has(entry)) visit(path.join(p, entry));
    }
  };
  visit(dir);
  return newest;
}

/** The console and every workspace package it depends on ("workspace:*"), plus the shared config. */
function consoleSources() {
  const sources = [consoleDir, path.join(repoRoot, "pnpm-lock.yaml"), path.join(repoRoot, "tsconfig.base.json")];
  const pkg = readJson(path.join(consoleDir, "package.json")) ?? {};
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const [name, spec] of Object.entries(deps)) {
    if (String(spec).startsWith("workspace:")) {
      // pnpm links workspace packages into node_modules; follow the link back to the source.
      const linked = path.join(consoleDir, "node_modules", ...name.split("/"));
      sources.push(linked);
    }
  }
  return sources;
}

function consoleBuildUpToDate() {
  if (!existsSync(consoleDist)) return false;
  const built = statSync(consoleDist).mtimeMs;
  return consoleSources().every((src) => newestMtime(src) < built);
}

// --- Steps -----------------------------------------------------------------------------------

/**
 * The steps, in order. `database` adds migrate + seed (start.mjs); test.mjs leaves them out
 * because every test tier makes its own databases.
 */
export function setupSteps({ database }) {
  const steps = [
    {
      title: "pnpm (pinned, in .tools/)",
      run: async () => ((await ensurePnpm()) ? "done" : "failed"),
    },
    {
      title: "Installing dependencies (pnpm install --frozen-lockfile)",
      run: async () => ok(await pnpm(["install", "--frozen-lockfile", "--config.confirm-modules-purge=false"])),
    },
    {
      title: "Generating the Prisma client (pnpm db:generate)",
      run: async () => {
        if (prismaClientUpToDate()) return "skipped: prisma/generated is up to date with schema.prisma";
        const result = ok(await pnpm(["db:generate"]));
        if (result === "done") writeStamp("prisma-generate", prismaGenerateKey());
        return result;
      },
    },
  ];
  if (database) {
    steps.push(
      {
        title: "Migrating the database (pnpm db:migrate)",
        run: async () => ok(await pnpm(["db:migrate"])),
      },
      {
        title: "Seeding the demo data on a first run (pnpm db:seed --if-empty)",
        run: async () => {
          if (process.env.DATABASE_URL && process.env.SEED_DEMO_ACCOUNTS !== "1") {
            return "skipped: DATABASE_URL names a server; demo accounts go there only with SEED_DEMO_ACCOUNTS=1";
          }
          return ok(await pnpm(["db:seed", "--if-empty"]));
        },
      },
    );
  }
  steps.push({
    title: "Building the console (pnpm build -> apps/console/dist)",
    run: async () => {
      if (consoleBuildUpToDate()) return "skipped: apps/console/dist is newer than every source file";
      return ok(await pnpm(["build"]));
    },
  });
  return steps;
}

const ok = ({ code }) => (code === 0 ? "done" : "failed");

/**
 * Runs the setup steps with headings. Stops at the first failure.
 * Resolves to { ok: boolean, failedStep?: string, results: [{ title, status, ms }] }.
 */
export async function runSetup({ database, stopOnFailure = true }) {
  const steps = setupSteps({ database });
  const results = [];
  let failedStep;
  for (const [i, step] of steps.entries()) {
    heading(`[${i + 1}/${steps.length}] ${step.title}`);
    const started = Date.now();
    let status;
    try {
      status = await step.run();
    } catch (err) {
      console.error(red(err instanceof Error ? (err.stack ?? err.message) : String(err)));
      status = "failed";
    }
    const ms = Date.now() - started;
    results.push({ title: step.title, status, ms });
    if (status === "failed") {
      console.error(red(`✗ ${step.title} failed after ${formatDuration(ms)}`));
      failedStep ??= step.title;
      // Without pnpm or dependencies nothing after can work.
      if (stopOnFailure || i < 2) break;
    } else {
      console.log(dim(`${status.startsWith("skipped") ? status : "done"} (${formatDuration(ms)})`));
    }
  }
  return { ok: failedStep === undefined, failedStep, results };
}
