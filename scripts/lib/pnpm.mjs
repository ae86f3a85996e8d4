// Gets the pinned pnpm without corepack (its signature check fails here) and without a global
// install: `npm install --prefix .tools pnpm@<version>` once, then .tools/node_modules/.bin/pnpm.
// See docs/decisions/002-node-20-pin.md.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./proc.mjs";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const toolsDir = path.join(repoRoot, ".tools");
const toolsBin = path.join(toolsDir, "node_modules", ".bin");
export const pnpmBin = path.join(toolsBin, "pnpm");

/** The version in the root package.json's "packageManager" field (pnpm@X.Y.Z). */
export function pinnedPnpmVersion() {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? "");
  if (!match) throw new Error('package.json has no "packageManager": "pnpm@X.Y.Z"');
  return match[1];
}

function installedVersion() {
  const pkgJson = path.join(toolsDir, "node_modules", "pnpm", "package.json");
  if (!existsSync(pkgJson) || !existsSync(pnpmBin)) return null;
  try {
    return JSON.parse(readFileSync(pkgJson, "utf8")).version;
  } catch {
    return null;
  }
}

/**
 * The environment every child gets: the pinned pnpm first on PATH (scripts such as
 * `pnpm db:generate` call `pnpm` again), and no update notices.
 */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: [toolsBin, process.env.PATH ?? ""].join(path.delimiter),
    npm_config_update_notifier: "false",
    ...extra,
  };
}

/** Makes sure .tools has the pinned pnpm. Returns false when it could not be installed. */
export async function ensurePnpm() {
  const want = pinnedPnpmVersion();
  const have = installedVersion();
  if (have === want) {
    console.log(`pnpm ${want} is in .tools/ already`);
    return true;
  }
  console.log(have ? `replacing pnpm ${have} in .tools/ with ${want}` : `installing pnpm ${want} into .tools/ (once)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const { code } = await run(
    npm,
    ["install", "--prefix", toolsDir, "--no-audit", "--no-fund", "--loglevel=error", `pnpm@${want}`],
    { cwd: repoRoot },
  );
  return code === 0 && installedVersion() === want;
}

/** The pinned pnpm in .tools/, or (before `npm start` put it there) whatever `pnpm` is on PATH. */
export const pnpmCommand = () => (existsSync(pnpmBin) ? pnpmBin : "pnpm");

/** Runs pnpm from the repository root with toolEnv(). */
export function pnpm(args, { env, cwd, stdio, onChild, quiet } = {}) {
  return run(pnpmCommand(), args, { cwd: cwd ?? repoRoot, env: toolEnv(env), stdio, onChild, quiet });
}
