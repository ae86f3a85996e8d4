/**
 * Emergency-rollout benchmark: the enterprise preset (~100k computers, 40 sites) plays 24
 * simulated hours of one ~5 MB mandatory advertisement to all workstations with ONSLOWNET set.
 *
 *   pnpm --filter @firebreak/simulator exec tsx src/bench.ts [--seed N] [--hours H] [--step-minutes M]
 *     [--forecast-runs N] [--pairs N] [--skip-forecast | --forecast-only]
 *
 * Prints wall time per phase and what the simulation produced. Target: < 60 s on 2 cores.
 *
 * Then the what-if forecast of the same release (issue #7): its run time as a ratio against one
 * plain simulation of the same window, timed alternately (median of `--pairs`), and its error
 * against simulated truth — a full run of the real engine with another seed, per variant: mean
 * and largest absolute error of the p50 curve in percentage points, how often the truth lies
 * inside the p10–p90 band while it rises (strictly between 0 and its final value), and the error
 * of the p50 time to 50/90/95 % in hours. Two pictures of the fleet are forecast against the same
 * truth: the generator's full description, and the fleet as the database holds it after the
 * simulator's import (`toStoredFleet`), which is what the API's forecast plays. Two drafts: the
 * release as above (ONSLOWNET set, so the slow-link variant is the draft itself) and the same
 * release with ONSLOWNET cleared (so that variant is really simulated). `--forecast-only` skips
 * the plain 24 h run above. Results also land in .bench-output/forecast-bench.json.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AdvertFlags } from "@firebreak/domain";
import { onlineRatios } from "./client/mapping.js";
import { createSimulation } from "./engine.js";
import { benchForecast } from "./forecast/forecast-bench.js";
import { toStoredFleet } from "./forecast/stored-fleet.js";
import { summarizeFleet } from "./fleet.js";
import { DEFAULT_START_TIME, generateFleet } from "./presets.js";
import { emergencyRelease, loadRelease } from "./scenarios.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "2004" },
    hours: { type: "string", default: "24" },
    "step-minutes": { type: "string", default: "15" },
    "forecast-runs": { type: "string", default: "40" },
    pairs: { type: "string", default: "3" },
    "skip-forecast": { type: "boolean", default: false },
    "forecast-only": { type: "boolean", default: false },
  },
});
const seed = Number(values.seed);
const hours = Number(values.hours);
const stepMs = Number(values["step-minutes"]) * 60_000;
const start = Date.parse(DEFAULT_START_TIME);

const t0 = performance.now();
const fleet = generateFleet({ preset: "enterprise", seed, startTime: start });
const t1 = performance.now();

const release = emergencyRelease(fleet, {
  at: new Date(start).toISOString(),
  presentTime: new Date(start + 3_600_000).toISOString(),
});
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

if (!values["forecast-only"]) {
  const sim = createSimulation({ fleet, seed, startTime: start });
  loadRelease(sim, release);
  const t2 = performance.now();

  let messages = 0;
  let compliance = 0;
  let dpChanges = 0;
  let batches = 0;
  let lateReports = 0;
  let maxBatch = 0;
  for (const batch of sim.batches(start + hours * 3_600_000, stepMs)) {
    batches++;
    messages += batch.statusMessages.length;
    compliance += batch.compliance.length;
    dpChanges += batch.dpStatus.length;
    maxBatch = Math.max(maxBatch, batch.statusMessages.length + batch.compliance.length);
    for (const m of batch.statusMessages) if (Date.parse(m.reportedAt) - Date.parse(m.time) > 3_600_000) lateReports++;
  }
  const t3 = performance.now();

  const summary = summarizeFleet(fleet, start);
  const progress = sim.advertisementProgress(release.advertisement.advertisementId);
  const stats = sim.stats();
  const mem = process.memoryUsage();

  console.log(
    `Firebreak simulator bench — enterprise preset, seed ${seed}, ${hours} simulated hours, ${stepMs / 60_000}-minute batches`,
  );
  console.log(
    `fleet: ${summary.computers} computers (${summary.workstations} workstations, ${summary.infrastructureServers} infrastructure servers), sites ${JSON.stringify(summary.sites)}`,
  );
  console.log(
    `       profiles ${JSON.stringify(summary.byConnectionProfile)}, legacy ${summary.legacyClients}, laptops ${summary.laptops}, roaming ${summary.roaming}, off at start ${summary.offAtStart}, DPs ${summary.distributionPoints}, addresses ${summary.addresses}`,
  );
  console.log(
    `release: ${release.package.packageId} ${release.package.sizeKB} KB ${release.package.sendingPriority}, advert ${release.advertisement.advertisementId} mandatory at ${release.advertisement.presentTime}, ONSLOWNET set, ${progress.targets} targets`,
  );
  console.log("");
  console.log(`wall: generate ${s(t1 - t0)} | setup ${s(t2 - t1)} | simulate ${s(t3 - t2)} | total ${s(t3 - t0)}`);
  console.log(
    `events processed ${stats.eventsProcessed.toLocaleString("en")} (${Math.round(stats.eventsProcessed / ((t3 - t2) / 1000)).toLocaleString("en")}/s), batches ${batches}, largest batch ${maxBatch} rows`,
  );
  console.log(
    `output: ${messages.toLocaleString("en")} status messages, ${compliance.toLocaleString("en")} compliance rows, ${dpChanges} DP status changes; ${lateReports.toLocaleString("en")} messages reported > 1 h after their event`,
  );
  console.log(`messages by ID: ${JSON.stringify(stats.statusMessagesByMessageId)}`);
  console.log(`compliance rows by state: ${JSON.stringify(stats.complianceByState)}`);
  console.log(
    `DPs installed: ${stats.dpInstalled}/${summary.distributionPoints}; stalled transfers ${stats.stalledTransfers}; unroutable hops ${stats.unroutableHops}`,
  );
  console.log(
    `clients by stage at T+${hours} h: ${JSON.stringify(Object.fromEntries(Object.entries(progress.byStage).filter(([, v]) => v > 0)))}`,
  );
  console.log(
    `coverage (succeeded / targets): ${((100 * progress.byStage.SUCCEEDED) / progress.targets).toFixed(1)} %`,
  );
  console.log(`heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB`);
}

if (!values["skip-forecast"]) {
  // What-if forecast of the same release: every variant, the same window, default 40 runs, on
  // the generated fleet and on the fleet as an import leaves it in the database (the on-line
  // shares the import would store: same seed and start as `pnpm sim`).
  const stored = toStoredFleet(fleet, onlineRatios(fleet, { seed, from: start }));
  const drafts = [
    { name: "ONSLOWNET set", release },
    {
      name: "ONSLOWNET cleared",
      release: {
        ...release,
        advertisement: {
          ...release.advertisement,
          advertFlags: AdvertFlags.with(release.advertisement.advertFlags, "ONSLOWNET", false),
        },
      },
    },
  ];
  const pp = (x: number) => `${x.toFixed(2)} pp`;
  const h = (x: number | null) => (x === null ? "—" : `${x.toFixed(2)} h`);
  const dh = (x: number | null) => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${x.toFixed(2)} h`);
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(" ");
  const cases = [];
  for (const d of drafts) {
    const loadBefore = load();
    const f = benchForecast({
      fleet,
      forecastFleets: [
        { name: "generated", fleet },
        { name: "stored", fleet: stored },
      ],
      release: d.release,
      seed,
      hours,
      runs: Number(values["forecast-runs"]),
      pairs: Number(values.pairs),
    });
    const loadAfter = load();
    cases.push({ draft: d.name, loadBefore, loadAfter, ...f });
    console.log("");
    console.log(
      `forecast, ${d.name}: ${f.runs} runs, ${f.targets.toLocaleString("en")} targets, ${hours} h window; one plain simulation of the same window ${s(f.baselineMs)} (median of ${values.pairs}); load average ${loadBefore} → ${loadAfter}`,
    );
    for (const r of f.fleets) {
      console.log(
        `  ${r.name} fleet: ${r.variantsSimulated} simulated variants, ${r.computersPerRun.toLocaleString("en")} computers per run, wall ${s(r.forecastMs)}, ratio ${r.ratio.toFixed(2)} ×`,
      );
      for (const e of r.errors)
        console.log(
          `    ${e.variant.padEnd(22)} MAE ${pp(e.maePp)}, max ${pp(e.maxPp)}, inside p10–p90 ${e.insideBandPct === null ? "—" : `${e.insideBandPct.toFixed(0)} %`} of ${e.risePoints} rising points (${e.insideBandAllPct.toFixed(0)} % of all); final ${e.truthFinalPct.toFixed(2)} % truth / ${e.forecastFinalP50.toFixed(2)} % p50; ${e.timeTo.map((m) => `${m.pct} % ${h(m.truthHours)} truth / ${h(m.forecastP50Hours)} p50 (${dh(m.errorHours)})`).join("; ")}${e.sameAs ? ` [same inputs as ${e.sameAs}]` : ""}`,
        );
    }
  }
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../.bench-output");
  await mkdir(out, { recursive: true });
  await writeFile(
    path.join(out, "forecast-bench.json"),
    JSON.stringify({ at: new Date().toISOString(), preset: "enterprise", seed, hours, cases }, null, 2),
  );
}
