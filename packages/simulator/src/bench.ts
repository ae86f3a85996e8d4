/**
 * Emergency-rollout benchmark: the enterprise preset (~100k computers, 40 sites) plays 24
 * simulated hours of one ~5 MB mandatory advertisement to all workstations with ONSLOWNET set.
 *
 *   pnpm --filter @firebreak/simulator exec tsx src/bench.ts [--seed N] [--hours H] [--step-minutes M]
 *
 * Prints wall time per phase and what the simulation produced. Target: < 60 s on 2 cores.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createSimulation } from "./engine.js";
import { summarizeFleet } from "./fleet.js";
import { DEFAULT_START_TIME, generateFleet } from "./presets.js";
import { emergencyRelease, loadRelease } from "./scenarios.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "2004" },
    hours: { type: "string", default: "24" },
    "step-minutes": { type: "string", default: "15" },
  },
});
const seed = Number(values.seed);
const hours = Number(values.hours);
const stepMs = Number(values["step-minutes"]) * 60_000;
const start = Date.parse(DEFAULT_START_TIME);

const t0 = performance.now();
const fleet = generateFleet({ preset: "enterprise", seed, startTime: start });
const t1 = performance.now();

const sim = createSimulation({ fleet, seed, startTime: start });
const release = emergencyRelease(fleet, {
  at: new Date(start).toISOString(),
  presentTime: new Date(start + 3_600_000).toISOString(),
});
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
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
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
console.log(`coverage (succeeded / targets): ${((100 * progress.byStage.SUCCEEDED) / progress.targets).toFixed(1)} %`);
console.log(`heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB`);
