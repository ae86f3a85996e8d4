import { randomUUID } from "node:crypto";
import {
  EmergencySchema,
  drillReleaseCase,
  type Advertisement,
  type Collection,
  type Drill,
  type DrillScenario,
  type Package,
  type Program,
  type TimelineEventInput,
} from "@firebreak/domain";
import {
  ERA_BULLETINS,
  bulletinReleaseOptions,
  emergencyRelease,
  generateFleet,
  type EraBulletin,
} from "@firebreak/simulator";
import { importFleet as importSimFleet, type FirebreakApi } from "@firebreak/simulator/client";
import type { Prisma } from "@firebreak/db";
import type { Db } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import type { TableStats } from "../../lib/table-stats.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { caseColumnsOf } from "../cases/cases.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { createDistributionService } from "../distribution/distribution.service.js";
import { emergenciesRepository } from "../emergencies/emergencies.repository.js";
import { createFleetService } from "../fleet/fleet.service.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import { createIngestService } from "../ingest/ingest.service.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import { drillsRepository as repo, type DrillRow } from "./drills.repository.js";

/**
 * A drill's sandbox fleet and what the player keeps about it (`drills.record.sandbox`).
 *
 * Starting a drill only claims it (one transaction: state RUNNING, version bump, the sandbox's
 * `fleets` row, the drill's emergency, the scenario's update in the catalogue): a second start is
 * refused by the version and leaves nothing behind. The heavy part — importing the simulated fleet,
 * the ingest token, a release already deploying and the release case — is done off the request
 * path by the drill player (`prepareSandbox`) while the sandbox shows as PREPARING. Each step is
 * idempotent (the fleet import is an upsert; the others look first), so a failed or interrupted
 * preparation is resumed by the next round, never left half-built and never duplicated.
 */

/** A rollback scenario starts mid-deployment: its release is played this long before T0. */
export const ACTIVE_RELEASE_PRE_ROLL_MS = 8 * 3_600_000;

export type SandboxEvent =
  | {
      kind: "FOLLOW";
      /** ms from the simulation's start. */
      atMs: number;
      advertisement: Advertisement;
      program: Program;
      package: Package;
      dpStoredVersions: Record<string, number>;
      collections: Collection[];
    }
  | { kind: "FLAGS"; atMs: number; packageId: string; programName: string; flags: number }
  /** A package created in the sandbox: SMS sends it to its DPs from then on, advertised or not. */
  | { kind: "PACKAGE"; atMs: number; package: Package; dpStoredVersions: Record<string, number> };

export interface SandboxSample {
  at: string;
  pct: number;
}

export interface SandboxState {
  /** PREPARING until the player has built the sandbox; records from before this field are READY. */
  status: "PREPARING" | "READY";
  /** Why the last preparation round failed (it is tried again next round). */
  prepareError: string | null;
  /** T0 on the simulated calendar (the drill's real start). */
  simOrigin: string;
  /** The simulation starts this long before T0 (a release already running). */
  preRollMs: number;
  /** The catalogue row of the scenario's update. */
  updateRowId: string | null;
  ingestTokenId: string | null;
  ingestTokenName: string;
  siteCodes: string[];
  /** The simulated fleet is imported. */
  imported: boolean;
  /** ms from the simulation's start that have been played and posted. */
  reachedMs: number;
  events: SandboxEvent[];
  /** Coverage of the scenario's update (compliance + DONE out-of-band machine tasks), one sample per window that changed it. */
  coverage: SandboxSample[];
  /** % of the release package's DPs holding its current source version. */
  distribution: SandboxSample[];
  firstSuccessAt: string | null;
}

export function newSandboxState(input: {
  simOrigin: string;
  preRollMs: number;
  updateRowId: string | null;
  drillId: string;
}): SandboxState {
  return {
    status: "PREPARING",
    prepareError: null,
    simOrigin: input.simOrigin,
    preRollMs: input.preRollMs,
    updateRowId: input.updateRowId,
    ingestTokenId: null,
    ingestTokenName: `drill player ${input.drillId.slice(0, 8)}`,
    siteCodes: [],
    imported: false,
    reachedMs: 0,
    events: [],
    coverage: [],
    distribution: [],
    firstSuccessAt: null,
  };
}

export const readSandbox = (record: unknown): SandboxState | null => {
  const s = (record as { sandbox?: Partial<SandboxState> } | null)?.sandbox;
  if (!s || typeof s !== "object" || typeof s.simOrigin !== "string") return null;
  return {
    status: s.status ?? "READY",
    prepareError: s.prepareError ?? null,
    simOrigin: s.simOrigin,
    preRollMs: s.preRollMs ?? 0,
    updateRowId: s.updateRowId ?? null,
    ingestTokenId: s.ingestTokenId ?? null,
    ingestTokenName: s.ingestTokenName ?? "drill player",
    siteCodes: s.siteCodes ?? [],
    imported: s.imported ?? true,
    reachedMs: s.reachedMs ?? 0,
    events: s.events ?? [],
    coverage: s.coverage ?? [],
    distribution: s.distribution ?? [],
    firstSuccessAt: s.firstSuccessAt ?? null,
  };
};

/**
 * The update whose release the drill measures (coverage, DPs ready, first success): the
 * scenario's, or — when the team built no package for it — the update of the first deploy package
 * it built in the sandbox (a team that released under another KB is still measured).
 */
export function releaseUpdateOf(state: Pick<SandboxState, "events">, scenarioUpdateId: string): string {
  const deploys = state.events.flatMap((e) => (e.kind !== "FLAGS" && e.package.kind === "DEPLOY" ? [e.package] : []));
  if (deploys.length === 0 || deploys.some((p) => p.updateIds.includes(scenarioUpdateId))) return scenarioUpdateId;
  return deploys.find((p) => p.updateIds.length > 0)?.updateIds[0] ?? scenarioUpdateId;
}

export const sandboxFleetFor = (scenario: DrillScenario, simStart: string) =>
  generateFleet({
    preset: scenario.fleet.preset,
    seed: scenario.fleet.seed,
    startTime: simStart,
    ...(scenario.fleet.computers !== undefined ? { computers: scenario.fleet.computers } : {}),
  });

export const simStartOf = (state: Pick<SandboxState, "simOrigin" | "preRollMs">) =>
  new Date(Date.parse(state.simOrigin) - state.preRollMs).toISOString();

/** The release a mid-deployment scenario starts with (package, program, advertisement), at the simulation's start. */
export function activeReleaseOf(scenario: DrillScenario, fleet: ReturnType<typeof sandboxFleetFor>, simStart: string) {
  const bulletin = scenario.subject.bulletinId as EraBulletin;
  return emergencyRelease(fleet, {
    at: simStart,
    updateId: scenario.subject.updateId,
    ...(bulletin in ERA_BULLETINS ? bulletinReleaseOptions(bulletin) : {}),
  });
}

export interface PrepareContext {
  db: Db;
  stats?: TableStats;
  row: DrillRow;
  drill: Drill;
  scenario: DrillScenario;
  state: SandboxState;
  actor: Actor;
  /** Saves the state (lease-checked); throws when the lease is lost. */
  save: () => Promise<void>;
  /** Test hook: called before each step (a test makes one fail to check that the next round resumes). */
  onStep?: (step: PrepareStep) => Promise<void> | void;
}

export type PrepareStep = "import" | "token" | "release" | "case";

const isConflict = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { code?: unknown }).code === "CONFLICT";

/** Builds the sandbox step by step; every step can run again (a retry resumes). Ends with status READY. */
export async function prepareSandbox(ctx: PrepareContext): Promise<void> {
  const { db, row, scenario, state, actor } = ctx;
  if (!row.sandboxFleetId) throw new Error("The drill has no sandbox fleet.");
  const scope: FleetScope = { fleetId: row.sandboxFleetId, kind: "DRILL_SANDBOX" };
  const simStart = simStartOf(state);
  const fleet = sandboxFleetFor(scenario, simStart);
  state.siteCodes = fleet.sites.map((s) => s.siteCode);

  if (!state.imported) {
    await ctx.onStep?.("import");
    const fleetService = createFleetService(db, ctx.stats);
    // The simulator's own import (chunked like a real site would send it), in process: only
    // importFleet is called on this client. An upsert: a retry after a failure resumes it.
    const inProcess = {
      baseUrl: "in-process",
      importFleet: (body) => fleetService.importFleet(actor, scope, body),
    } as Pick<FirebreakApi, "baseUrl" | "importFleet"> as FirebreakApi;
    await importSimFleet(inProcess, fleet, undefined, { seed: scenario.fleet.seed, from: simStart });
    state.imported = true;
    await ctx.save();
  }

  if (!state.ingestTokenId) {
    await ctx.onStep?.("token");
    const token = await createIngestService(db, ctx.stats).createToken(actor, scope, {
      name: state.ingestTokenName,
      siteCodes: state.siteCodes,
    });
    state.ingestTokenId = token.id;
    await ctx.save();
  }

  let release: ReturnType<typeof activeReleaseOf> | null = null;
  if (scenario.fleet.activeRelease) {
    await ctx.onStep?.("release");
    release = activeReleaseOf(scenario, fleet, simStart);
    const distribution = createDistributionService(db);
    const made = async (create: () => Promise<unknown>) => {
      try {
        await create();
      } catch (err) {
        // Made by an earlier round that stopped before saying so.
        if (!isConflict(err)) throw err;
      }
    };
    const pkg = release.package;
    const exists = await distribution.getPackage(scope, pkg.packageId).then(
      () => true,
      () => false,
    );
    if (!exists) await made(() => distribution.createPackage(actor, scope, pkg));
    const hasProgram = await distribution.getProgram(scope, pkg.packageId, release.program.programName).then(
      () => true,
      () => false,
    );
    if (!hasProgram) await made(() => distribution.createProgram(actor, scope, pkg.packageId, release!.program));
    await made(() => distribution.createAdvertisement(actor, scope, release!.advertisement));
  }

  if (state.updateRowId && scenario.fleet.releaseCase !== "NONE") {
    await ctx.onStep?.("case");
    await createReleaseCase(ctx, scope, simStart, release);
  }

  state.status = "READY";
  state.prepareError = null;
  await ctx.save();
}

/**
 * The scenario's release case, in the sandbox and in the drill's emergency (DETECTED, or DEPLOYING
 * with a history dated before T0); nothing when the update already has an open case there.
 */
async function createReleaseCase(
  ctx: PrepareContext,
  scope: FleetScope,
  simStart: string,
  release: ReturnType<typeof activeReleaseOf> | null,
): Promise<void> {
  const { db, row, drill, scenario, state, actor } = ctx;
  const updateRowId = state.updateRowId!;
  await writeTransaction(db, async (tx) => {
    if (await casesRepository.findOpenForUpdate(tx, scope.fleetId, updateRowId)) return;
    const testId = randomUUID();
    const built = drillReleaseCase({
      scenario,
      since: simStart,
      actorUserId: drill.plan.umpireId,
      packageId: release?.package.packageId ?? null,
      advertisement: release?.advertisement ?? null,
      coreTestId: testId,
    });
    if (!built) return;
    const created = await casesRepository.create(tx, {
      fleetId: scope.fleetId,
      updateId: updateRowId,
      emergencyId: row.emergencyId,
      ...caseColumnsOf(built.record),
    });
    for (const t of built.tests)
      await repo.createPassedTest(tx, {
        id: t.id,
        caseId: created.id,
        name: t.name,
        scope: t.scope,
        executedAt: new Date(t.executedAt),
        executedBy: drill.plan.umpireId,
      });
    if (row.emergencyId) {
      const em = await emergenciesRepository.find(tx, row.emergencyId);
      if (em) {
        const record = EmergencySchema.parse(em.record);
        const next = { ...record, caseIds: [...new Set([...record.caseIds, created.id])] };
        await emergenciesRepository.updateIfVersion(tx, em.id, em.version, {
          record: jsonSafe(next) as Prisma.InputJsonValue,
        });
      }
    }
    const kb = scenario.subject.updateId;
    const note: TimelineEventInput = {
      type: "NOTE",
      at: new Date().toISOString(),
      actorId: null,
      caseId: created.id,
      summary:
        built.record.status === "DEPLOYING"
          ? `Case ${kb} is in the drill's emergency: deploying since ${simStart.slice(0, 16).replace("T", " ")} UTC (drill scenario)`
          : `Case ${kb} opened by the drill scenario and linked to the drill's emergency`,
      payload: { text: `Case ${kb} linked to the drill's emergency by the drill scenario` },
    };
    // The history is dated before T0: the metrics and deviations never count it.
    await recordTimeline(tx, actor, scope.fleetId, [...built.events, note], {
      caseId: created.id,
      emergencyId: row.emergencyId,
    });
    await recordAudit(tx, actor, {
      action: "drill.release_case.create",
      entityType: "case",
      entityId: created.id,
      after: { drill: true, drillId: row.id, update: kb, status: built.record.status, emergencyId: row.emergencyId },
    });
  });
}
