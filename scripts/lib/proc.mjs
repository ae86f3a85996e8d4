// Child processes for the developer scripts: run a command, forward Ctrl-C / SIGTERM to it,
// and run clean-up (e.g. stopping a test PostgreSQL) however the script ends.
// Plain Node, no dependencies: these scripts run before `pnpm install`.
import { spawn, spawnSync } from "node:child_process";

const running = new Set();
const cleanups = [];
let signalled = null;

/**
 * Registers a synchronous clean-up that runs once when the process exits, whether normally,
 * through process.exit, or after SIGINT/SIGTERM. Returns a function that runs it now instead.
 */
export function onCleanup(fn) {
  const entry = { fn, done: false };
  cleanups.push(entry);
  return () => runCleanup(entry);
}

function runCleanup(entry) {
  if (entry.done) return;
  entry.done = true;
  try {
    entry.fn();
  } catch (err) {
    console.error(`clean-up failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function runAllCleanups() {
  for (const entry of cleanups.slice().reverse()) runCleanup(entry);
}

process.on("exit", runAllCleanups);

function onSignal(signal) {
  if (signalled) {
    // A second Ctrl-C: stop waiting for the children to shut down.
    for (const child of running) killGroup(child, "SIGKILL");
    runAllCleanups();
    process.exit(130);
  }
  signalled = signal;
  if (running.size === 0) {
    runAllCleanups();
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
  // Children run in their own process group (see run()), so the terminal's Ctrl-C reaches only
  // this script; pass it on once to each child's whole group and let them shut down gracefully.
  for (const child of running) killGroup(child, signal);
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("SIGHUP", onSignal);

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** The signal this script received, if any (callers stop doing further work). */
export const interrupted = () => signalled;

/**
 * Runs a command with inherited output (or `stdio`, with `onChild(child)` to wire up pipes).
 * Resolves to { code, signal }; never rejects for a non-zero exit. The child gets its own
 * process group so that a signal is delivered once, to all of it.
 */
export function run(cmd, args, { cwd, env, quiet = false, stdio, onChild } = {}) {
  if (signalled) return Promise.resolve({ code: 130, signal: signalled });
  if (!quiet) console.log(dim(`$ ${[cmd, ...args].join(" ")}`));
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? process.env,
      stdio: stdio ?? ["ignore", "inherit", "inherit"],
      detached: true,
    });
    running.add(child);
    onChild?.(child);
    child.on("error", (err) => {
      running.delete(child);
      console.error(`could not start ${cmd}: ${err.message}`);
      resolve({ code: 127, signal: null });
    });
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), signal });
      if (signalled && running.size === 0) {
        // The interrupted run is over: clean up and leave with the conventional status.
        setImmediate(() => {
          runAllCleanups();
          process.exit(signalled === "SIGINT" ? 130 : 143);
        });
      }
    });
  });
}

/** Runs a short command synchronously and returns its trimmed stdout ("" on failure). */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  return r.status === 0 ? r.stdout.trim() : "";
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = paint("1");
export const dim = paint("2");
export const red = paint("31");
export const green = paint("32");
export const yellow = paint("33");
export const cyan = paint("36");

/** A step heading, e.g. "==> [3/6] Generating the Prisma client". */
export function heading(text) {
  console.log(`\n${bold(cyan("==>"))} ${bold(text)}`);
}

export function formatDuration(ms) {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}
