// A throw-away PostgreSQL 15 server for the test run: initdb in a temporary directory, a free
// port on 127.0.0.1, the unix socket in that directory, stopped and deleted afterwards (also on
// failure or Ctrl-C, through onCleanup). As root, the server runs as the unprivileged user
// "nobody", because PostgreSQL refuses to run as root.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports.mjs";
import { onCleanup } from "./proc.mjs";

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function pgTool(name, args, { dir }) {
  const user = isRoot() ? NOBODY : {};
  return spawnSync(path.join(POSTGRES_BIN, name), args, {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C", TZ: "UTC" },
    ...user,
  });
}

export function postgresAvailable() {
  return existsSync(path.join(POSTGRES_BIN, "initdb")) && existsSync(path.join(POSTGRES_BIN, "pg_ctl"));
}

/**
 * Starts the server. Resolves to { url, port, dir, stop() }; throws with the server log when
 * it cannot start. The database is throw-away, so durability settings are off for speed.
 */
export async function startPostgres() {
  if (!postgresAvailable()) throw new Error(`PostgreSQL 15 is not installed at ${POSTGRES_BIN}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "firebreak-pg-"));
  if (isRoot()) chownSync(dir, NOBODY.uid, NOBODY.gid);
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  let started = false;

  const stop = onCleanup(() => {
    if (started) {
      pgTool("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"], { dir });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const init = pgTool(
    "initdb",
    ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"],
    {
      dir,
    },
  );
  if (init.status !== 0) {
    const output = `${init.stdout ?? ""}${init.stderr ?? ""}${init.error ? String(init.error) : ""}`;
    stop();
    throw new Error(`initdb failed:\n${output}`);
  }

  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
  ].join(" ");
  const start = pgTool("pg_ctl", ["-D", dataDir, "-o", options, "-l", logFile, "-w", "-t", "60", "start"], { dir });
  started = true;
  if (start.status !== 0) {
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    stop();
    throw new Error(`PostgreSQL did not start:\n${start.stdout ?? ""}${start.stderr ?? ""}${log}`);
  }
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, dir, stop };
}
