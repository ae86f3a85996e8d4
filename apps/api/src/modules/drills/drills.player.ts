import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import {
  DrillSchema,
  MAX_INGEST_ROWS,
  OutOfBandTaskSchema,
  STATUS_MESSAGE_IDS,
  coverageWithOob,
  drillClock,
  wallTimeAtSimMs,
  type Collection,
  type Drill,
  type DrillScenario,
  type OutOfBandTask,
} from "@firebreak/domain";
import {
  createSimulation,
  standardOutcomeModel,
  type OutcomeModel,
  type SimBatch,
  type Simulation,
} from "@firebreak/simulator";
import { toAdvertisement, toCollection, toPackage, toProgram } from "@firebreak/simulator/client";
import type { Db } from "../../plugins/db.js";
import { systemActor } from "../../lib/actor.js";
import type { TableStats } from "../../lib/table-stats.js";
import { createDistributionService } from "../distribution/distribution.service.js";
import { fleetRepository } from "../fleet/fleet.repository.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import { createIngestService } from "../ingest/ingest.service.js";
import { drillsRepository as repo, type DrillRow } from "./drills.repository.js";
import {
  prepareSandbox,
  readSandbox,
  releaseUpdateOf,
  sandboxFleetFor,
  type PrepareStep,
  type SandboxEvent,
  type SandboxState,
} from "./drills.sandbox.js";

/**
 * The drill player: plays each running drill's sandbox fleet with the simulator in accelerated
 * time (sim = drill time × timeScale, pauses excluded — the domain's drillClock) and feeds what
 * the clients report through the ingest service into the sandbox fleet only.
 *
 * Stateless-friendly: the simulator is deterministic given its inputs, so the player keeps only
 * what it cannot recompute in the drill record (`record.sandbox`, drills.sandbox.ts): the
 * simulated time reached, the packages and advertisements it picked up and program-flag changes
 * with the simulated instant it applied them, and the samples for the report. The in-memory
 * simulation is trusted only while it stands exactly where the record does (same simulated time,
 * same changes); otherwise — another instance played meanwhile, or a round failed — it is rebuilt
 * from the scenario's preset and seed with those changes re-applied at their instants, then
 * fast-forwarded without posting. A re-posted window has the same batch id and rows: a replay,
 * never a duplicate (decision 005).
 *
 * One player per drill across API instances: a lease in the record (`record.lease`), claimed each
 * round and renewed with every save; the player's saves are refused once another instance holds it.
 * The state is saved after the changes it picks up and after each window, so a failure mid-round
 * loses nothing and never leaves the simulation ahead of the record. A failed round drops the
 * in-memory simulation; the next one starts again from the record.
 *
 * Work happens in `tick(drillId)`: a few 15-simulated-minute windows per call, each followed by
 * short ingest transactions, so other requests interleave. A timer calls `tickAll()`; tests call
 * `tick` themselves with an injected clock (and may hook `afterWindowPosted`).
 */

export const SIM_STEP_MS = 15 * 60_000;
const MAX_WINDOWS_PER_TICK = 12;
export const LEASE_MS = 60_000;

/** INSTALLS_FAILING injects fired so far, on the simulated axis (ms from the simulation's start). */
interface Failing {
  fromMs: number;
  rate: number;
  exitCode: number;
  siteCode: string | null;
}

const SALT_DRILL_FAIL = 0x44524c01;
const OUTAGE_KINDS = new Set(["DP_DOWN", "DP_RESTORED", "LINK_DOWN", "LINK_RESTORED"]);

/** Install runs that start after an INSTALLS_FAILING inject fail at its rate (deterministic draws). */
function drillOutcomeModel(failing: Failing[], simStartMs: number): OutcomeModel {
  const base = standardOutcomeModel();
  return {
    name: "drill",
    decide(ctx) {
      const r = base.decide(ctx);
      if (ctx.programKind !== "INSTALL") return r;
      for (const f of failing) {
        if (ctx.startedAt < simStartMs + f.fromMs) continue;
        if (f.siteCode && f.siteCode !== ctx.siteCode) continue;
        if (ctx.random(SALT_DRILL_FAIL) < f.rate)
          return {
            exitCode: f.exitCode,
            runMs: r.runMs,
            rebootRequired: false,
            messageId: STATUS_MESSAGE_IDS.PROGRAM_FAILED,
          };
        break;
      }
      return r;
    },
  };
}

interface Runtime {
  drillId: string;
  sim: Simulation;
  simStartMs: number;
  failing: Failing[];
  scope: FleetScope;
  /** Simulated ms this simulation has played: it must equal the record's `reachedMs`. */
  reachedMs: number;
  /** Record events applied to it: it must equal the record's. */
  eventCount: number;
  /** Outage injects (DP / link down or back) given to the simulation. */
  outages: Set<string>;
}

export interface PlayerOptions {
  now: () => Date;
  log: FastifyBaseLogger;
  stats?: TableStats;
  /** Loads a drill's scenario (built-in or custom). */
  scenarioOf: (row: DrillRow) => DrillScenario | null;
  /** Fires the drill's due injects through the drill machine (source SCHEDULE). */
  fireDueInjects: (drillId: string) => Promise<void>;
  /** Test hook: after a window's reports are posted, before the window is saved. */
  afterWindowPosted?: (info: { drillId: string; fromMs: number }) => Promise<void> | void;
  /** Test hook: before each step of the sandbox's preparation. */
  onPrepareStep?: (step: PrepareStep) => Promise<void> | void;
}

export interface TickResult {
  windows: number;
  reachedMs: number;
  simulatedUntil: string | null;
}

function applyEvent(sim: Simulation, e: SandboxEvent): void {
  if (e.kind === "FLAGS") {
    if (sim.hasProgram(e.packageId, e.programName)) sim.setProgramFlags(e.packageId, e.programName, e.flags);
    return;
  }
  if (!sim.hasPackage(e.package.packageId)) {
    sim.addPackage(e.package, { dpStoredVersions: e.dpStoredVersions });
    sim.distributePackage(e.package.packageId, {});
  }
  if (e.kind === "PACKAGE") return;
  for (const c of e.collections) if (!sim.hasCollection(c.collectionId)) sim.addCollection(c);
  if (!sim.hasProgram(e.program.packageId, e.program.programName)) sim.addProgram(e.program);
  if (!sim.hasAdvertisement(e.advertisement.advertisementId)) sim.addAdvertisement(e.advertisement);
}

const chunk = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/** The deploy packages of the release the drill measures (releaseUpdateOf), in the order they were followed. */
const releasePackages = (state: SandboxState, scenarioUpdateId: string) => {
  const updateId = releaseUpdateOf(state, scenarioUpdateId);
  return state.events.flatMap((e) =>
    e.kind !== "FLAGS" && e.package.kind === "DEPLOY" && e.package.updateIds.includes(updateId) ? [e.package] : [],
  );
};

export class DrillPlayer {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly running = new Map<string, Promise<TickResult | null>>();
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private readonly distribution;
  private readonly ingest;

  constructor(
    private readonly db: Db,
    private readonly opts: PlayerOptions,
  ) {
    this.distribution = createDistributionService(db);
    this.ingest = createIngestService(db, opts.stats);
  }

  /** Plays every running drill every `intervalMs` (the server; tests drive `tick` instead). */
  startTimer(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tickAll().catch((err: unknown) => this.opts.log.warn({ err }, "drill player round failed"));
    }, intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
    this.runtimes.clear();
  }

  async tickAll(): Promise<void> {
    for (const row of await repo.listInStates(this.db, ["RUNNING", "PAUSED"])) {
      try {
        await this.tick(row.id);
      } catch (err) {
        this.opts.log.warn({ err, drillId: row.id }, "drill player tick failed; it is tried again next round");
      }
    }
  }

  /** Drops the in-memory simulation (the drill ended, a round failed, or another instance plays it). */
  forget(drillId: string): void {
    this.runtimes.delete(drillId);
  }

  /** Whether this player holds a simulation of the drill in memory (tests). */
  hasRuntime(drillId: string): boolean {
    return this.runtimes.has(drillId);
  }

  /**
   * One slice of play for one drill; calls for the same drill run one after another. A failed
   * round rejects the returned promise (the caller logs it) and drops the in-memory simulation so
   * the next round rebuilds it from the record; nothing else is left waiting on the failure.
   */
  tick(drillId: string): Promise<TickResult | null> {
    const prev = this.running.get(drillId) ?? Promise.resolve(null);
    const next = prev
      .catch(() => null)
      .then(() => this.tickOnce(drillId))
      .catch((err: unknown) => {
        this.forget(drillId);
        throw err;
      });
    this.running.set(drillId, next);
    const done = () => {
      if (this.running.get(drillId) === next) this.running.delete(drillId);
    };
    // Both outcomes handled here: the bookkeeping never turns a failed round into an unhandled rejection.
    next.then(done, done);
    return next;
  }

  /** Saves the state and renews the lease; false = another instance holds the lease now. */
  private async save(drillId: string, state: SandboxState): Promise<boolean> {
    const until = new Date(this.opts.now().getTime() + LEASE_MS);
    const ok = await repo.setSandbox(this.db, drillId, this.owner, state, until);
    if (!ok) this.forget(drillId);
    return ok;
  }

  private async tickOnce(drillId: string): Promise<TickResult | null> {
    const now = this.opts.now();
    let row = await repo.find(this.db, drillId);
    if (!row || (row.state !== "RUNNING" && row.state !== "PAUSED")) {
      this.forget(drillId);
      return null;
    }
    if (!(await repo.claimLease(this.db, drillId, this.owner, now, new Date(now.getTime() + LEASE_MS)))) {
      // Another instance plays it: what we hold in memory is stale from now on.
      this.forget(drillId);
      return null;
    }
    if (row.state === "RUNNING") {
      await this.opts.fireDueInjects(drillId);
      row = (await repo.find(this.db, drillId)) ?? row;
    }
    const state = readSandbox(row.record);
    const scenario = this.opts.scenarioOf(row);
    if (!state || !scenario || !row.sandboxFleetId) return null;
    const drill = DrillSchema.parse(row.record);
    if (!drill.startedAt) return null;

    if (state.status === "PREPARING") {
      const lost = new Error("lease lost");
      try {
        await prepareSandbox({
          db: this.db,
          ...(this.opts.stats ? { stats: this.opts.stats } : {}),
          row,
          drill,
          scenario,
          state,
          actor: systemPlayerActor(drillId),
          ...(this.opts.onPrepareStep ? { onStep: this.opts.onPrepareStep } : {}),
          save: async () => {
            if (!(await this.save(drillId, state))) throw lost;
          },
        });
      } catch (err) {
        if (err === lost) return null;
        state.prepareError = err instanceof Error ? err.message : String(err);
        await this.save(drillId, state).catch(() => false);
        throw err;
      }
    }

    let rt = this.runtimes.get(drillId);
    if (rt && (rt.reachedMs !== state.reachedMs || rt.eventCount !== state.events.length)) {
      // Another instance played (or a round failed) since this simulation was built.
      this.forget(drillId);
      rt = undefined;
    }
    if (!rt) {
      rt = this.build(drillId, row.sandboxFleetId, scenario, state, drill);
      this.runtimes.set(drillId, rt);
    } else this.applyInjects(rt, drill, state, scenario);

    const clock = drillClock({ startedAt: drill.startedAt, pauses: drill.pauses, timeScale: drill.timeScale, at: now });
    const targetMs = state.preRollMs + clock.simMs;
    let windows = 0;
    if (state.reachedMs + SIM_STEP_MS <= targetMs && (await this.pickUpChanges(rt, state))) {
      // Saved before any window uses them: a rebuild re-applies exactly these.
      if (!(await this.save(drillId, state))) return null;
    }
    while (state.reachedMs + SIM_STEP_MS <= targetMs && windows < MAX_WINDOWS_PER_TICK) {
      const fromMs = state.reachedMs;
      const batch = rt.sim.advance(rt.simStartMs + fromMs + SIM_STEP_MS);
      rt.reachedMs = fromMs + SIM_STEP_MS;
      await this.post(rt, drill, state, scenario, batch);
      await this.opts.afterWindowPosted?.({ drillId, fromMs });
      state.reachedMs = rt.reachedMs;
      await this.sample(rt, state, drill, scenario);
      if (!(await this.save(drillId, state))) return null;
      windows++;
      // Let other requests in between windows.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return {
      windows,
      reachedMs: state.reachedMs,
      simulatedUntil: new Date(rt.simStartMs + state.reachedMs).toISOString(),
    };
  }

  /** A fresh simulation at the scenario's start, with every recorded change re-applied, fast-forwarded silently. */
  private build(drillId: string, fleetId: string, scenario: DrillScenario, state: SandboxState, drill: Drill): Runtime {
    const simStartMs = Date.parse(state.simOrigin) - state.preRollMs;
    const fleet = sandboxFleetFor(scenario, new Date(simStartMs).toISOString());
    const failing: Failing[] = [];
    const sim = createSimulation({
      fleet,
      seed: scenario.fleet.seed,
      startTime: simStartMs,
      outcomeModel: drillOutcomeModel(failing, simStartMs),
    });
    const rt: Runtime = {
      drillId,
      sim,
      simStartMs,
      failing,
      scope: { fleetId, kind: "DRILL_SANDBOX" },
      reachedMs: 0,
      eventCount: 0,
      outages: new Set(),
    };
    // Outages are scheduled at their own instants, so they are in place before the fast-forward.
    this.applyInjects(rt, drill, state, scenario);
    for (const e of [...state.events].sort((a, b) => a.atMs - b.atMs)) {
      if (e.atMs > 0 && simStartMs + e.atMs > sim.now) sim.advance(simStartMs + e.atMs);
      applyEvent(sim, e);
    }
    if (simStartMs + state.reachedMs > sim.now) sim.advance(simStartMs + state.reachedMs);
    rt.reachedMs = state.reachedMs;
    rt.eventCount = state.events.length;
    return rt;
  }

  /** The simulated instant (ms from the simulation's start) a fired inject took effect. */
  private injectAtMs(drill: Drill, state: SandboxState, firedAt: string): number {
    const at = drillClock({
      startedAt: drill.startedAt as string,
      pauses: drill.pauses,
      timeScale: drill.timeScale,
      at: firedAt,
    });
    return state.preRollMs + at.simMs;
  }

  /** Fired INSTALLS_FAILING injects (failure rates) and outages (DP / link down or back) into the simulation. */
  private applyInjects(rt: Runtime, drill: Drill, state: SandboxState, scenario: DrillScenario): void {
    rt.failing.length = 0;
    if (!drill.startedAt) return;
    for (const f of drill.firedInjects) {
      const inject = scenario.injects.find((i) => i.id === f.injectId);
      if (!inject) continue;
      const atMs = this.injectAtMs(drill, state, f.at);
      if (inject.kind === "INSTALLS_FAILING") {
        rt.failing.push({
          fromMs: atMs,
          rate: inject.parameters.failureRate,
          exitCode: inject.parameters.exitCode ?? 1603,
          siteCode: inject.parameters.siteCode ?? null,
        });
        continue;
      }
      if (!OUTAGE_KINDS.has(inject.kind) || rt.outages.has(inject.id)) continue;
      rt.outages.add(inject.id);
      const at = rt.simStartMs + atMs;
      try {
        if (inject.kind === "DP_DOWN" || inject.kind === "DP_RESTORED") {
          const { siteCode, serverName } = inject.parameters;
          rt.sim.setDistributionPointDown(siteCode, inject.kind === "DP_DOWN", {
            at,
            ...(serverName ? { serverName } : {}),
          });
        } else if (inject.kind === "LINK_DOWN" || inject.kind === "LINK_RESTORED") {
          const { siteCode, destSiteCode } = inject.parameters;
          rt.sim.setLinkDown(siteCode, destSiteCode, inject.kind === "LINK_DOWN", at);
        }
      } catch (err) {
        // A custom scenario naming a site or DP the sandbox does not have: told to the team only.
        this.opts.log.warn({ err, injectId: inject.id }, "drill player could not apply an outage inject");
      }
    }
  }

  private record(rt: Runtime, state: SandboxState, e: SandboxEvent): void {
    applyEvent(rt.sim, e);
    state.events.push(e);
    rt.eventCount = state.events.length;
  }

  /**
   * Packages the team created in the sandbox (SMS sends a package to its DPs when it is created),
   * advertisements it made active, and program flags it changed (a halt).
   */
  private async pickUpChanges(rt: Runtime, state: SandboxState): Promise<boolean> {
    const atMs = rt.sim.now - rt.simStartMs;
    const before = state.events.length;
    for (const { packageId } of await repo.packagesOfFleet(this.db, rt.scope.fleetId)) {
      if (rt.sim.hasPackage(packageId)) continue;
      try {
        const detail = await this.distribution.getPackage(rt.scope, packageId);
        this.record(rt, state, {
          kind: "PACKAGE",
          atMs,
          package: toPackage(detail),
          dpStoredVersions: storedVersions(detail.distributions),
        });
      } catch (err) {
        this.opts.log.warn({ err, packageId }, "drill player could not pick up a package");
      }
    }
    for (const { advertisementId } of await repo.activeAdvertisements(this.db, rt.scope.fleetId)) {
      if (rt.sim.hasAdvertisement(advertisementId)) continue;
      try {
        const record = await this.distribution.getAdvertisement(rt.scope, advertisementId);
        const program = toProgram(await this.distribution.getProgram(rt.scope, record.packageId, record.programName));
        const detail = await this.distribution.getPackage(rt.scope, record.packageId);
        const collections: Collection[] = [];
        if (!rt.sim.hasCollection(record.collectionId)) {
          const c = await fleetRepository.findCollection(this.db, rt.scope.fleetId, record.collectionId);
          if (c) {
            const members = await fleetRepository.memberResourceIds(
              this.db,
              rt.scope.fleetId,
              record.collectionId,
              false,
            );
            collections.push(
              toCollection(
                {
                  ...c,
                  rules: c.rules as Collection["rules"],
                  evaluatedAt: c.evaluatedAt?.toISOString() ?? null,
                },
                members,
              ),
            );
          }
        }
        this.record(rt, state, {
          kind: "FOLLOW",
          atMs,
          advertisement: toAdvertisement(record),
          program,
          package: toPackage(detail),
          dpStoredVersions: storedVersions(detail.distributions),
          collections,
        });
      } catch (err) {
        this.opts.log.warn({ err, advertisementId }, "drill player could not pick up an advertisement");
      }
    }
    for (const e of [...state.events]) {
      if (e.kind !== "FOLLOW") continue;
      const { packageId, programName } = e.program;
      try {
        const flags = toProgram(await this.distribution.getProgram(rt.scope, packageId, programName)).programFlags;
        if (flags === rt.sim.getProgramFlags(packageId, programName)) continue;
        this.record(rt, state, { kind: "FLAGS", atMs, packageId, programName, flags });
      } catch {
        // The program was deleted: nothing to follow.
      }
    }
    return state.events.length !== before;
  }

  /** One window's reports into the sandbox fleet, through the ingest service (DP status, status, compliance). */
  private async post(
    rt: Runtime,
    drill: Drill,
    state: SandboxState,
    scenario: DrillScenario,
    batch: SimBatch,
  ): Promise<void> {
    if (!state.ingestTokenId) throw new Error("The sandbox has no ingest token yet.");
    const principal = {
      tokenId: state.ingestTokenId,
      name: state.ingestTokenName,
      fleetId: rt.scope.fleetId,
      siteCodes: state.siteCodes,
    };
    const requestId = `drill-player-${rt.drillId}`;
    const prefix = `drill-${rt.drillId.slice(0, 8)}-${batch.from}`;
    for (const [n, changes] of chunk(batch.dpStatus, MAX_INGEST_ROWS).entries()) {
      await this.ingest.ingestDpStatus(principal, requestId, {
        batchId: `${prefix}-dp-${n}`,
        changes: changes.map(({ packageId, siteCode, serverName, storedVersion, state: s, via, time }) => ({
          packageId,
          siteCode,
          serverName,
          storedVersion,
          state: s,
          via,
          time,
        })),
      });
    }
    for (const [n, msgs] of chunk(batch.statusMessages, MAX_INGEST_ROWS).entries()) {
      // ingestStatus also wakes live monitors and evaluates automatic halt rules (ingest.service).
      await this.ingest.ingestStatus(principal, requestId, {
        batchId: `${prefix}-status-${n}`,
        messages: msgs.map((m) => ({
          messageId: m.messageId,
          machineName: m.machineName,
          resourceId: m.resourceId,
          siteCode: m.siteCode,
          advertisementId: m.advertisementId,
          time: m.time,
          ...(m.exitCode !== undefined ? { exitCode: m.exitCode } : {}),
        })),
      });
    }
    for (const [n, rows] of chunk(batch.compliance, MAX_INGEST_ROWS).entries()) {
      await this.ingest.ingestCompliance(principal, requestId, {
        batchId: `${prefix}-compliance-${n}`,
        rows: rows.map(({ resourceId, siteCode, updateId, state: s, time }) => ({
          resourceId,
          siteCode,
          updateId,
          state: s,
          time,
        })),
      });
    }
    if (state.firstSuccessAt === null && drill.startedAt) {
      const release = new Set(releasePackages(state, scenario.subject.updateId).map((p) => p.packageId));
      const deployAds = new Set(
        state.events.flatMap((e) =>
          e.kind === "FOLLOW" && release.has(e.package.packageId) ? [e.advertisement.advertisementId] : [],
        ),
      );
      const originMs = Date.parse(state.simOrigin);
      let first: number | null = null;
      for (const m of batch.statusMessages) {
        if (!deployAds.has(m.advertisementId)) continue;
        if (
          m.messageId !== STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED &&
          m.messageId !== STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED_MIF
        )
          continue;
        const t = Date.parse(m.time);
        if (first === null || t < first) first = t;
      }
      if (first !== null) {
        const wall = wallTimeAtSimMs(
          { startedAt: drill.startedAt, pauses: drill.pauses, timeScale: drill.timeScale },
          Math.max(0, first - originMs),
        );
        if (wall !== null) state.firstSuccessAt = new Date(wall).toISOString();
      }
    }
  }

  /**
   * After each window: coverage of the scenario's update as the case's gate G6 counts it (the
   * compliance rows — installed ÷ machines it applies to — with DONE out-of-band machine tasks
   * folded in, cases.service `complianceFor`), and the share of the release package's DPs holding
   * its current source version. Stamped with the real instant the window's end corresponds to.
   */
  private async sample(rt: Runtime, state: SandboxState, drill: Drill, scenario: DrillScenario): Promise<void> {
    const simSinceT0 = state.reachedMs - state.preRollMs;
    const wall =
      simSinceT0 <= 0
        ? Date.parse(drill.startedAt as string)
        : wallTimeAtSimMs(
            { startedAt: drill.startedAt as string, pauses: drill.pauses, timeScale: drill.timeScale },
            simSinceT0,
          );
    const at = new Date(wall ?? this.opts.now().getTime()).toISOString();
    const fleetId = rt.scope.fleetId;
    const [ids, taskRows] = await Promise.all([
      repo.updateCoverageIds(this.db, fleetId, releaseUpdateOf(state, scenario.subject.updateId)),
      repo.oobTasksOfFleet(this.db, fleetId),
    ]);
    const tasks = taskRows.flatMap((t) => {
      const r = OutOfBandTaskSchema.safeParse(t.record);
      return r.success ? [r.data] : [];
    });
    // Infrastructure servers the checklist took out of the collection stay in scope: patched by hand.
    const excluded = tasks
      .filter((t: OutOfBandTask) => t.kind === "INFRA_SERVER_MANUAL" && t.targetRef.type === "COMPUTER")
      .map((t) => Number(t.targetRef.id));
    const coverage = coverageWithOob({
      targetResourceIds: [...ids.applicable, ...excluded],
      compliantResourceIds: ids.installed,
      tasks,
    });
    if (coverage.targets > 0) {
      const pct = Math.round(coverage.coveragePct * 100) / 100;
      if (state.coverage.at(-1)?.pct !== pct) state.coverage.push({ at, pct });
    }
    const release = releasePackages(state, scenario.subject.updateId)[0];
    if (release) {
      try {
        const pkg = await this.distribution.getPackage(rt.scope, release.packageId);
        if (pkg.distributions.length > 0) {
          const ready = pkg.distributions.filter((d) => d.current).length;
          const pct = Math.round(((100 * ready) / pkg.distributions.length) * 100) / 100;
          if (state.distribution.at(-1)?.pct !== pct) state.distribution.push({ at, pct });
        }
      } catch {
        // Deleted meanwhile: no sample from it.
      }
    }
  }
}

const storedVersions = (distributions: readonly { serverName: string; storedVersion: number }[]) => {
  const out: Record<string, number> = {};
  for (const d of distributions) if (d.storedVersion > 0) out[d.serverName] = d.storedVersion;
  return out;
};

export const systemPlayerActor = (drillId: string) => systemActor(`drill-player-${drillId}`, "drill-player");
