/**
 * Plays a simulated SMS 2003 fleet into a running Firebreak through its API:
 *
 *   pnpm sim [--preset demo|enterprise] [--hours 24] [--speed 0] [--url http://localhost:3000] …
 *
 * Imports the hierarchy and computers, creates the emergency release (package, program,
 * mandatory advertisement), makes an ingest token and posts what the clients report, window by
 * window, to the same ingest endpoints a real status forwarder uses. Run with --help for flags.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createSimulation } from "./engine.js";
import { summarizeFleet } from "./fleet.js";
import { PRESETS, generateFleet, type PresetName } from "./presets.js";
import { ERA_BULLETINS, bulletinReleaseOptions, emergencyRelease, loadRelease, type EraBulletin } from "./scenarios.js";
import { FirebreakClient, isFirebreakError, type RetryInfo } from "./client/firebreak-client.js";
import { ensureRelease, importFleet, playThroughApi, type ImportProgress, type PlayProgress } from "./client/play.js";

const HELP = `Firebreak simulator: plays a seeded SMS 2003 fleet into Firebreak through its API.

Usage: pnpm sim [options]            (from the repository root)

  --url URL             Firebreak API (default http://localhost:3000, env FIREBREAK_URL)
  --user NAME           SMS administrator to sign in as (default sms-admin)
  --password PASSWORD   (default firebreak-demo, env FIREBREAK_PASSWORD)
  --preset NAME         demo (7 sites, ~3,000 computers) or enterprise (40 sites, ~100,000); default demo
  --seed N              simulation seed (default 2004)
  --hours H             simulated hours to play (default 24)
  --step-minutes M      simulated minutes per ingest window (default 15)
  --speed N             0 = as fast as possible (default); N = N simulated seconds per wall second
  --scenario NAME       emergency-release (default)
  --bulletin ID         ${Object.keys(ERA_BULLETINS).join(", ")} (default MS04-011, Sasser)
  --start ISO           simulated start (default: now minus --hours, on a window boundary)
  --import-only         import the fleet and stop
  --help

The same --seed, --preset, --start and --step-minutes always send the same data with the same
batch ids: running again is safe (re-sent batches are answered as replays, nothing is stored twice).`;

class UsageError extends Error {}

interface Args {
  url: string;
  user: string;
  password: string;
  preset: PresetName;
  seed: number;
  hours: number;
  stepMinutes: number;
  speed: number;
  bulletin: EraBulletin;
  start: number | null;
  importOnly: boolean;
  help: boolean;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: "string", default: process.env.FIREBREAK_URL ?? "http://localhost:3000" },
      user: { type: "string", default: "sms-admin" },
      password: { type: "string", default: process.env.FIREBREAK_PASSWORD ?? "firebreak-demo" },
      preset: { type: "string", default: "demo" },
      seed: { type: "string", default: "2004" },
      hours: { type: "string", default: "24" },
      "step-minutes": { type: "string", default: "15" },
      speed: { type: "string", default: "0" },
      scenario: { type: "string", default: "emergency-release" },
      bulletin: { type: "string", default: "MS04-011" },
      start: { type: "string" },
      "import-only": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const num = (name: string, v: string, ok: (n: number) => boolean, what: string) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} ${v}: ${what}`);
    return n;
  };
  if (!(PRESETS as readonly string[]).includes(values.preset))
    throw new UsageError(`--preset ${values.preset}: use ${PRESETS.join(" or ")}`);
  if (values.scenario !== "emergency-release")
    throw new UsageError(`--scenario ${values.scenario}: the only scenario today is emergency-release`);
  if (!(values.bulletin in ERA_BULLETINS))
    throw new UsageError(`--bulletin ${values.bulletin}: use one of ${Object.keys(ERA_BULLETINS).join(", ")}`);
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url ${values.url}: not a URL (e.g. http://localhost:3000)`);
  }
  let start: number | null = null;
  if (values.start !== undefined) {
    start = Date.parse(values.start);
    if (!Number.isFinite(start))
      throw new UsageError(`--start ${values.start}: use an ISO time, e.g. 2004-05-03T06:00:00Z`);
  }
  return {
    url: url.origin + url.pathname.replace(/\/+$/, ""),
    user: values.user,
    password: values.password,
    preset: values.preset as PresetName,
    seed: num(
      "seed",
      values.seed,
      (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
      "use a whole number from 0",
    ),
    hours: num("hours", values.hours, (n) => n > 0 && n <= 24 * 60, "use a positive number of hours (at most 60 days)"),
    stepMinutes: num(
      "step-minutes",
      values["step-minutes"],
      (n) => n > 0 && n <= 24 * 60,
      "use a positive number of minutes (at most a day)",
    ),
    speed: num("speed", values.speed, (n) => n >= 0, "use 0 (as fast as possible) or a positive number"),
    bulletin: values.bulletin as EraBulletin,
    start,
    importOnly: values["import-only"],
    help: values.help,
  };
}

// ---------------------------------------------------------------- output

const tty = Boolean(process.stdout.isTTY);
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const secs = (ms: number) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`;
const shortIso = (iso: string) => iso.replace(/:\d\d\.\d{3}Z$/, "Z").replace("T", " ");

/** One updating line on a terminal; occasional plain lines otherwise (CI logs, pipes). */
class Progress {
  private lastDraw = 0;
  private lastLine = 0;
  private lastBucket = -1;
  private drawn = false;

  update(text: string, fraction: number, force = false): void {
    const t = performance.now();
    if (tty) {
      if (!force && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      process.stdout.write(`\r\x1b[K${text}`);
      this.drawn = true;
      return;
    }
    // Every 10 % (the end comes as a forced final line) or every 15 s.
    const bucket = Math.floor(fraction * 10);
    if (force || (fraction < 1 && (bucket > this.lastBucket || t - this.lastLine > 15_000))) {
      this.lastBucket = bucket;
      this.lastLine = t;
      console.log(text);
    }
  }

  /** Ends the updating line so normal output can follow. */
  done(): void {
    if (tty && this.drawn) process.stdout.write("\n");
    this.drawn = false;
    this.lastBucket = -1;
  }

  note(text: string): void {
    if (tty && this.drawn) process.stdout.write("\r\x1b[K");
    console.log(text);
    this.drawn = false;
  }
}

function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}

// ---------------------------------------------------------------- main

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const stepMs = args.stepMinutes * 60_000;
  const hoursMs = args.hours * 3_600_000;
  // Default: the played period ends now (so the console shows recent data), on a window boundary.
  const start = args.start ?? Math.floor((Date.now() - hoursMs) / stepMs) * stepMs;
  const until = start + hoursMs;
  const startIso = new Date(start).toISOString();

  const progress = new Progress();
  const onRetry = (r: RetryInfo) =>
    progress.note(`  retrying ${r.method} ${r.path} in ${secs(r.delayMs)} (${r.reason}, attempt ${r.attempt})`);
  const client = new FirebreakClient({ baseUrl: args.url, onRetry });

  console.log(`Firebreak simulator: ${args.preset} preset, seed ${args.seed}, ${args.url}`);
  // Fail fast on a wrong URL: two quick retries, not the patient defaults.
  await new FirebreakClient({ baseUrl: args.url, retries: 2, backoffMs: 300 }).ping();
  await client.login(args.user, args.password);
  console.log(`signed in as ${args.user}`);

  const tGen = performance.now();
  const fleet = generateFleet({ preset: args.preset, seed: args.seed, startTime: start });
  const fs = summarizeFleet(fleet, start);
  console.log(
    `fleet: ${fmt(fs.computers)} computers (${fmt(fs.workstations)} workstations) in ${fleet.sites.length} sites, ${fs.distributionPoints} DPs, ${fs.addresses} sender addresses (generated in ${secs(performance.now() - tGen)})`,
  );

  // 1. Import.
  const tImport = performance.now();
  const imported = await importFleet(
    client,
    fleet,
    (p: ImportProgress) => {
      const pct = p.computersTotal === 0 ? 1 : p.computersDone / p.computersTotal;
      progress.update(
        `importing: ${p.phase} | computers ${fmt(p.computersDone)}/${fmt(p.computersTotal)} (${Math.round(100 * pct)} %) | ${p.calls} calls | ${secs(performance.now() - tImport)}`,
        pct,
        p.phase === "done",
      );
    },
    { seed: args.seed, from: start },
  );
  const importMs = performance.now() - tImport;
  progress.done();
  const importRows: [string, string][] = [
    ["API", `${args.url} (fleet production)`],
    ["computers imported", `${fmt(imported.computers)} in ${imported.calls} import calls`],
    [
      "hierarchy",
      `${imported.sites} sites, ${imported.siteSystems} site systems, ${imported.boundaries} boundaries, ${imported.senderAddresses} sender addresses, ${imported.collections} collections`,
    ],
    ["import wall time", secs(importMs)],
  ];
  if (args.importOnly) {
    console.log(`\nSummary (import only)\n${table(importRows)}`);
    return 0;
  }

  // 2. Release.
  const release = emergencyRelease(fleet, {
    at: startIso,
    presentTime: new Date(start + 3_600_000).toISOString(),
    ...bulletinReleaseOptions(args.bulletin),
  });
  const ensured = await ensureRelease(client, release);
  const advertId = release.advertisement.advertisementId;
  console.log(
    `release: package ${release.package.packageId} (${ensured.package}), program "${release.program.programName}" (${ensured.program}), advertisement ${advertId} "${release.advertisement.advertisementName}" (${ensured.advertisement})`,
  );
  if (
    ensured.advertisement === "existing" &&
    Date.parse(ensured.advertisementRecord.presentTime) !== Date.parse(release.advertisement.presentTime)
  ) {
    console.log(
      `  note: ${advertId} already existed with start time ${ensured.advertisementRecord.presentTime}; this run reports against it (simulated start ${release.advertisement.presentTime})`,
    );
  }

  // 3. A forwarder token for every site, and what the ingest API offers.
  const token = await client.createIngestToken({
    name: `simulator ${args.preset} seed ${args.seed}`,
    siteCodes: fleet.sites.map((s) => s.siteCode),
  });
  const dpStatus = await client.hasRoute("post", "/api/ingest/dp-status");
  if (!dpStatus)
    console.log("note: this API has no POST /api/ingest/dp-status yet; distribution-point status is not sent");

  // 4. Play.
  const sim = createSimulation({ fleet, seed: args.seed, startTime: start });
  loadRelease(sim, release);
  console.log(
    `playing ${args.hours} simulated hour${args.hours === 1 ? "" : "s"} from ${shortIso(startIso)} in ${args.stepMinutes}-minute windows${args.speed > 0 ? ` at ${args.speed}× (sim seconds per second)` : ""}`,
  );
  const play = await playThroughApi({
    client,
    ingestToken: token.token,
    simulation: sim,
    until,
    stepMinutes: args.stepMinutes,
    speed: args.speed,
    dpStatus,
    batchPrefix: `sim-${args.seed}-${args.preset}-${args.stepMinutes}m`,
    advertisementId: advertId,
    onProgress: (p: PlayProgress) => {
      const cov = p.coverage
        ? ` | coverage ${p.coverage.pct.toFixed(1)} % (${fmt(p.coverage.succeeded)}/${fmt(p.coverage.targets)})`
        : "";
      progress.update(
        `sim ${shortIso(p.simTime)} | ${Math.floor(100 * p.fraction)} % | messages ${fmt(p.statusMessages)} | compliance ${fmt(p.complianceRows)} | DP ${fmt(p.dpChanges)} | batches ${fmt(p.batches)}${cov}`,
        p.fraction,
        p.phase === "done",
      );
    },
  });
  progress.done();

  // 5. What Firebreak now says.
  const status = await client.advertisementStatus(advertId);
  const simProgress = sim.advertisementProgress(advertId);
  const byId = Object.entries(play.statusByMessageId)
    .map(([id, n]) => `${id}: ${fmt(n)}`)
    .join(", ");
  const byState = Object.entries(play.complianceByState)
    .map(([st, n]) => `${st} ${fmt(n)}`)
    .join(", ");
  const apiStates = Object.entries(status.byState)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([st, n]) => `${st} ${fmt(n ?? 0)}`)
    .join(", ");
  const rows: [string, string][] = [
    ...importRows,
    [
      "release",
      `${release.package.packageId} / ${release.program.programName} / ${advertId} ${release.advertisement.advertisementName}`,
    ],
    [
      "simulated",
      `${shortIso(play.simFrom)} → ${shortIso(play.simUntil)} (${args.hours} h, ${play.windows} windows of ${args.stepMinutes} min)`,
    ],
    ["status messages posted", `${fmt(play.statusMessages)}${byId ? ` (${byId})` : ""}`],
    ["compliance rows posted", `${fmt(play.complianceRows)}${byState ? ` (${byState})` : ""}`],
    [
      "DP status changes posted",
      dpStatus ? fmt(play.dpChanges) : `none (${fmt(play.dpChangesSkipped)} not sent: no dp-status endpoint)`,
    ],
    [
      "ingest batches",
      `${fmt(play.batches)} (replays ${fmt(play.replays)}, HTTP retries ${fmt(client.retryCount)}), client states changed ${fmt(play.clientStatesChanged)}`,
    ],
    ["play wall time", secs(play.wallMs)],
    [
      "final coverage (API)",
      `${status.compliancePct.toFixed(2)} % succeeded: ${fmt(status.succeeded)} of ${fmt(status.targeted)} targets, ${fmt(status.failed)} failed, ${fmt(status.noStatus)} no status`,
    ],
    ["client states (API)", apiStates || "none"],
    [
      "coverage (simulation)",
      `incl. results not yet reported: ${((100 * simProgress.byStage.SUCCEEDED) / Math.max(1, simProgress.targets)).toFixed(2)} % (${fmt(simProgress.byStage.SUCCEEDED)} of ${fmt(simProgress.targets)})`,
    ],
  ];
  console.log(`\nSummary\n${table(rows)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (tty) process.stdout.write("\n");
    if (
      err instanceof UsageError ||
      (err instanceof TypeError &&
        "code" in err &&
        String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`firebreak sim: ${err.message}\nRun with --help for the options.`);
      process.exitCode = 2;
      return;
    }
    console.error(
      `firebreak sim: ${isFirebreakError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exitCode = 1;
  },
);
