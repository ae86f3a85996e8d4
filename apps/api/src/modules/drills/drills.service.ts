import {
  AppError,
  DrillSchema,
  EmergencySchema,
  availableDrillActions,
  buildDrillReport,
  canProcess,
  createDrill,
  declareEmergency,
  drillClock,
  drillRoleLabels,
  drillTrends,
  findBuiltInScenario,
  injectSchedule,
  isDrillRunner,
  listBuiltInScenarios,
  dueInjects,
  planWarnings,
  scenarioCatalogUpdate,
  scenarioProblems,
  DrillScenarioSchema,
  PriorityPolicySchema,
  transitionDrill,
  wallTimeAtSimMs,
  type Drill,
  type DrillActionBody,
  type DrillActionInput,
  type DrillActor,
  type DrillDebriefBody,
  type DrillDetail,
  type DrillEffect,
  type DrillHaltLike,
  type DrillList,
  type DrillReport,
  type DrillReportView,
  type DrillScenario,
  type DrillScenarioView,
  type DrillStaffList,
  type DrillSummary,
  type DrillTrends,
  type JoinDrillResult,
  type OobTaskKind,
  type OobTaskState,
  type PlanDrillBody,
  type PriorityPolicy,
  type ScenarioValidation,
  type TimelineEventInput,
  type TimelineEventLike,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import type { TableStats } from "../../lib/table-stats.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { emergenciesRepository } from "../emergencies/emergencies.repository.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import { systemPlayerActor, type DrillPlayer } from "./drills.player.js";
import {
  ACTIVE_RELEASE_PRE_ROLL_MS,
  newSandboxState,
  readSandbox,
  releaseUpdateOf,
  type SandboxState,
} from "./drills.sandbox.js";
import { drillsRepository as repo, type DrillColumns, type DrillRow } from "./drills.repository.js";

/**
 * Fire drills (C10): plan, run (sandbox fleet + drill-flagged emergency + the player), the
 * report from the sandbox's timeline, sign-off that freezes it, and trends. Every rule is the
 * domain's Drill machine (`transitionDrill`); this module loads what it needs and carries out its
 * effects. Drill data lives only in the drill's own sandbox fleet (decision 007).
 */

/** Inject kinds the sandbox simulator acts on; the others are told to the team and recorded on the timeline. */
const SIMULATED_INJECTS = new Set(["INSTALLS_FAILING", "DP_DOWN", "DP_RESTORED", "LINK_DOWN", "LINK_RESTORED"]);
const simulationNote = (kind: string): string | null =>
  kind === "DP_DOWN" || kind === "DP_RESTORED"
    ? "The sandbox's distribution point stops (or resumes) serving and receiving content; it comes back empty and is refilled."
    : kind === "LINK_DOWN" || kind === "LINK_RESTORED"
      ? "The sandbox's sender link between the two sites carries nothing until it is back."
      : null;

const SEALED_TITLE = "Sealed inject";
const SEALED_DETAIL = "Only the drill's umpire sees an inject before it fires.";

/** The drill's states after which its sandbox is the report's evidence and accepts no more writes. */
export const DRILL_OVER_STATES: readonly string[] = ["ENDED", "SIGNED_OFF", "CANCELLED"];

function scenarioView(s: DrillScenario, builtIn: boolean, firedOnly?: ReadonlySet<string>): DrillScenarioView {
  return {
    ...s,
    fleet: {
      preset: s.fleet.preset,
      seed: s.fleet.seed,
      activeRelease: s.fleet.activeRelease,
      releaseCase: s.fleet.releaseCase,
      ...(s.fleet.computers !== undefined ? { computers: s.fleet.computers } : {}),
    },
    // A participant reads only the injects that have fired: the rest of the script stays with the umpire.
    injects: s.injects
      .filter((i) => !firedOnly || firedOnly.has(i.id))
      .map((i) => ({ ...i, parameters: { ...i.parameters } })),
    builtIn,
  };
}

/**
 * What the report is judged on as of the end (drills.record.endSnapshot): the advertisements'
 * flags, the out-of-band tasks, the halts, the CORE tests and the priority policy, read in the
 * transaction that ends the drill. Later work in the sandbox (refused anyway) or a policy change
 * cannot move an ended drill's report before it is signed off.
 */
interface EndSnapshot {
  at: string;
  advertisements: {
    advertisementId: string;
    advertFlags: number;
    remoteClientFlags: number;
    assignedSchedule: unknown[];
    assignedScheduleEnabled: boolean;
  }[];
  oobTasks: { kind: OobTaskKind; state: OobTaskState; completedAt: string | null; targetKey: string }[];
  halts: (Omit<DrillHaltLike, "haltedAt" | "lastStartAfterHaltAt"> & {
    haltedAt: string;
    lastStartAfterHaltAt: string | null;
  })[];
  coreTestIds: string[];
  policy: PriorityPolicy;
}

const readEndSnapshot = (record: unknown): EndSnapshot | null => {
  const s = (record as { endSnapshot?: EndSnapshot } | null)?.endSnapshot;
  if (!s || typeof s !== "object" || !Array.isArray(s.advertisements)) return null;
  const policy = PriorityPolicySchema.safeParse(s.policy);
  return policy.success ? { ...s, policy: policy.data } : null;
};

/** The custom scenario stored with a drill, if any. */
function customScenarioOf(record: unknown): DrillScenario | null {
  const raw = (record as { scenario?: unknown } | null)?.scenario;
  if (!raw) return null;
  const r = DrillScenarioSchema.safeParse(raw);
  return r.success ? r.data : null;
}

export function scenarioOfRow(row: Pick<DrillRow, "scenarioId" | "record">): DrillScenario | null {
  const custom = customScenarioOf(row.record);
  if (custom && custom.id === row.scenarioId) return custom;
  return findBuiltInScenario(row.scenarioId);
}

const columnsOf = (d: Drill, row?: Pick<DrillRow, "sandboxFleetId" | "emergencyId">): DrillColumns => ({
  scenarioId: d.plan.scenarioId,
  title: d.plan.title,
  state: d.status,
  scheduledStart: new Date(d.plan.scheduledStart),
  startedAt: d.startedAt ? new Date(d.startedAt) : null,
  endedAt: d.endedAt ? new Date(d.endedAt) : null,
  umpireId: d.plan.umpireId,
  signedOffAt: d.signOff ? new Date(d.signOff.at) : null,
  sandboxFleetId: row?.sandboxFleetId ?? null,
  emergencyId: row?.emergencyId ?? null,
});

const REFUSAL = {
  ILLEGAL_TRANSITION: "ILLEGAL_TRANSITION",
  FORBIDDEN: "FORBIDDEN",
  VALIDATION_FAILED: "VALIDATION_FAILED",
} as const;

export interface DrillsServiceOptions {
  now?: () => Date;
  stats?: TableStats;
}

export function createDrillsService(db: Db, opts: DrillsServiceOptions = {}) {
  const now = opts.now ?? (() => new Date());
  let player: DrillPlayer | null = null;

  async function rowOrThrow(c: DbClient, id: string): Promise<DrillRow> {
    const row = await repo.find(c, id);
    if (!row) throw new AppError("NOT_FOUND", "No such drill.");
    return row;
  }

  async function names(ids: string[]): Promise<Map<string, { name: string; role: string }>> {
    const users = await repo.usersByIds(db, ids);
    return new Map(users.map((u) => [u.id, { name: u.displayName, role: u.role }]));
  }

  async function drillActor(actor: Actor): Promise<DrillActor> {
    if (!actor.userId || !actor.role) throw new AppError("UNAUTHENTICATED", "Sign in first.");
    const n = (await names([actor.userId])).get(actor.userId)?.name;
    return { userId: actor.userId, role: actor.role, ...(n ? { name: n } : {}) };
  }

  function summaryOf(row: DrillRow, drill: Drill, people: Map<string, { name: string }>): DrillSummary {
    const scenario = scenarioOfRow(row);
    return {
      id: row.id,
      version: row.version,
      scenarioId: row.scenarioId,
      scenarioName: scenario?.name ?? `${row.scenarioId} (scenario no longer available)`,
      scenarioKind: scenario?.kind ?? null,
      title: drill.plan.title,
      state: drill.status,
      scheduledStart: drill.plan.scheduledStart,
      startedAt: drill.startedAt,
      endedAt: drill.endedAt,
      signedOffAt: drill.signOff?.at ?? null,
      umpireId: drill.plan.umpireId,
      umpireName: people.get(drill.plan.umpireId)?.name ?? "(unknown user)",
      timeScale: drill.timeScale,
      participantCount: drill.plan.participants.length,
      sandboxFleetId: row.sandboxFleetId,
      emergencyId: row.emergencyId,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** The sandbox fleet's timeline, as the domain's metric readers take it. */
  async function timelineOf(fleetId: string): Promise<TimelineEventLike[]> {
    return (await repo.timelineOfFleet(db, fleetId)).map((e) => {
      const payload = (e.payload ?? {}) as { summary?: string };
      return {
        id: e.seq.toString(),
        type: e.type,
        at: e.at.toISOString(),
        actorId: e.actorId,
        summary: payload.summary ?? e.type,
        payload: e.payload,
      };
    });
  }

  /** What the report reads besides the timeline and samples, as the sandbox stands now. */
  async function sandboxFacts(fleetId: string, state: SandboxState | null, at: Date) {
    const [tasks, ads, halts, policy] = await Promise.all([
      repo.oobTasksOfFleet(db, fleetId),
      repo.advertisementFlagsOfFleet(db, fleetId),
      repo.haltsOfFleet(db, fleetId),
      loadPolicy(db),
    ]);
    const coreTestIds = state?.updateRowId ? await repo.coreTestIds(db, fleetId, state.updateRowId) : [];
    const snapshot: EndSnapshot = {
      at: at.toISOString(),
      advertisements: ads.map((a) => ({
        advertisementId: a.advertisementId,
        advertFlags: Number(a.advertFlags),
        remoteClientFlags: Number(a.remoteClientFlags),
        assignedSchedule: a.assignedSchedule as unknown[],
        assignedScheduleEnabled: a.assignedScheduleEnabled,
      })),
      oobTasks: tasks.map((t) => ({
        kind: t.kind as OobTaskKind,
        state: t.state as OobTaskState,
        completedAt: (t.record as { completedAt?: string | null } | null)?.completedAt ?? null,
        targetKey: t.targetKey,
      })),
      halts: await Promise.all(
        halts.map(async (h) => {
          // Halt verification: "program started" (10005) messages received after the program was disabled.
          const after = await repo.startsReceivedAfter(db, fleetId, h.advertisement.advertisementId, h.haltedAt);
          return {
            advertisementId: h.advertisement.advertisementId,
            haltedAt: h.haltedAt.toISOString(),
            haltedBy: h.haltedBy,
            automaticRule: h.automaticRule,
            lastStartAfterHaltAt: after.last && after.last <= at ? after.last.toISOString() : null,
            startsAfterHalt: after.count,
          };
        }),
      ),
      coreTestIds,
      policy,
    };
    return snapshot;
  }

  /** When the release was first advertised without a startDeployment: the first deploy advertisement of the update followed. */
  function firstActiveAt(drill: Drill, scenario: DrillScenario, state: SandboxState | null): string | null {
    if (!state || !drill.startedAt) return null;
    const updateId = releaseUpdateOf(state, scenario.subject.updateId);
    let atMs: number | null = null;
    for (const e of state.events) {
      if (e.kind !== "FOLLOW" || e.package.kind !== "DEPLOY") continue;
      if (!e.package.updateIds.includes(updateId)) continue;
      if (atMs === null || e.atMs < atMs) atMs = e.atMs;
    }
    if (atMs === null) return null;
    const simSinceT0 = atMs - state.preRollMs;
    if (simSinceT0 <= 0) return drill.startedAt;
    const wall = wallTimeAtSimMs(
      { startedAt: drill.startedAt, pauses: drill.pauses, timeScale: drill.timeScale },
      simSinceT0,
    );
    return wall === null ? null : new Date(wall).toISOString();
  }

  /**
   * The report from the sandbox's timeline, samples, tasks and halts: as of now while the drill
   * runs, as of its end once it ended (the end snapshot).
   */
  async function liveReport(row: DrillRow, drill: Drill, scenario: DrillScenario): Promise<DrillReport> {
    if (!drill.startedAt || !row.sandboxFleetId)
      throw new AppError("ILLEGAL_TRANSITION", "The drill has not started: there is no report yet.");
    const sandbox = readSandbox(row.record);
    const at = now();
    const [timeline, facts] = await Promise.all([
      timelineOf(row.sandboxFleetId),
      (async () => readEndSnapshot(row.record) ?? (await sandboxFacts(row.sandboxFleetId!, sandbox, at)))(),
    ]);
    return buildDrillReport({
      drill,
      scenario,
      now: at,
      timeline,
      policy: facts.policy,
      coverage: sandbox?.coverage ?? [],
      distribution: sandbox?.distribution ?? [],
      firstSuccessAt: sandbox ? sandbox.firstSuccessAt : null,
      advertisedAt: firstActiveAt(drill, scenario, sandbox),
      coreTestIds: facts.coreTestIds,
      halts: facts.halts,
      oobTasks: facts.oobTasks.map((t) => ({
        kind: t.kind,
        state: t.state,
        completedAt: t.completedAt,
        targetRef: { id: t.targetKey },
      })),
      participants: drill.plan.participants,
      advertisements: facts.advertisements,
    });
  }

  /** Runs one machine action and carries out its effects; the drill row's version guards it. */
  async function apply(
    actor: Actor,
    id: string,
    version: number | null,
    action: DrillActionInput,
  ): Promise<{ row: DrillRow; warnings: string[] }> {
    const at = now();
    const row = await rowOrThrow(db, id);
    if (version !== null && row.version !== version) throw staleVersion("drill");
    const drill = DrillSchema.parse(row.record);
    const scenario = scenarioOfRow(row);
    const who: DrillActor =
      action.type === "fireInject" && action.source === "SCHEDULE"
        ? { userId: "system", role: "ERT_LEAD", name: "Drill schedule" }
        : await drillActor(actor);
    let report: DrillReport | null = null;
    if (action.type === "signOff" && drill.status === "ENDED" && scenario)
      report = await liveReport(row, drill, scenario);
    const result = transitionDrill(drill, action, { now: at, actor: who, scenario, report });
    if (!result.ok) throw new AppError(REFUSAL[result.code], result.reason);

    let sandboxFleetId = row.sandboxFleetId;
    let emergencyId = row.emergencyId;
    const effects: DrillEffect[] = result.effects;
    const bySchedule = action.type === "fireInject" && action.source === "SCHEDULE";
    const recordedBy = bySchedule ? systemPlayerActor(id) : actor;
    const stops = effects.some((e) => e.type === "STOP_SIMULATION");
    // Ending freezes what the report is judged on (read before the transaction that ends it).
    const sandboxNow = readSandbox(row.record);
    const endSnapshot =
      stops && row.sandboxFleetId && scenario && drill.startedAt
        ? await sandboxFacts(row.sandboxFleetId, sandboxNow, at)
        : null;

    // One transaction claims the start (state + version), creates the sandbox's fleet row, its
    // emergency and the scenario's update in the catalogue: a second start fails on the version
    // and leaves nothing behind. The drill player builds the rest off the request path.
    await writeTransaction(db, async (tx) => {
      const events: TimelineEventInput[] = [];
      let sandboxState: SandboxState | null = null;
      for (const e of effects) {
        if (e.type === "TIMELINE") events.push(e.event);
        if (e.type === "CREATE_SANDBOX" && scenario && result.next.startedAt) {
          const fleet = await repo.createSandboxFleet(tx, `Drill sandbox: ${drill.plan.title}`.slice(0, 200));
          sandboxFleetId = fleet.id;
          await recordAudit(tx, actor, {
            action: "drill.sandbox.create",
            entityType: "fleet",
            entityId: fleet.id,
            after: { drillId: id, drill: true, kind: "DRILL_SANDBOX", preset: e.preset, seed: e.seed },
          });
          const updateRowId = await ensureCatalogUpdate(tx, actor, id, scenario, at);
          sandboxState = newSandboxState({
            simOrigin: result.next.startedAt,
            preRollMs: e.activeRelease ? ACTIVE_RELEASE_PRE_ROLL_MS : 0,
            updateRowId,
            drillId: id,
          });
        }
        if (e.type === "DECLARE_DRILL_EMERGENCY" && sandboxFleetId) {
          // The drill's own emergency: declared by the drill on the umpire's behalf, in the sandbox.
          const declared = declareEmergency(
            { type: e.emergencyType, title: e.title, isDrill: true, drillId: id },
            { now: at, actor: { userId: drill.plan.umpireId, role: "ERT_LEAD", hasActiveGrant: false } },
          );
          if (!declared.ok) throw new AppError("INTERNAL", declared.reason);
          const em = await emergenciesRepository.create(tx, {
            fleetId: sandboxFleetId,
            type: declared.emergency.type,
            state: declared.emergency.state,
            title: declared.emergency.title,
            isDrill: true,
            declaredAt: at,
            record: jsonSafe(EmergencySchema.parse(declared.emergency)) as Prisma.InputJsonValue,
          });
          emergencyId = em.id;
          events.push(...declared.events);
        }
      }
      const cols = columnsOf(result.next, { sandboxFleetId, emergencyId });
      const record = {
        ...(jsonSafe(result.next) as object),
        ...(sandboxState ? { sandbox: sandboxState } : {}),
        ...(endSnapshot ? { endSnapshot: jsonSafe(endSnapshot) } : {}),
      };
      if (!(await repo.updateIfVersion(tx, id, row.version, cols, record))) throw staleVersion("drill");
      if (sandboxFleetId && events.length > 0)
        await recordTimeline(tx, recordedBy, sandboxFleetId, events, { emergencyId });
      // The sandbox's ingest token stops with the drill.
      if (stops && sandboxNow?.ingestTokenId) await repo.revokeIngestToken(tx, sandboxNow.ingestTokenId, at);
      await recordAudit(tx, recordedBy, {
        action: `drill.${action.type}`,
        entityType: "drill",
        entityId: id,
        before: { state: drill.status, drill: true },
        after: {
          state: result.next.status,
          drill: true,
          sandboxFleetId,
          ...(action.type === "fireInject" ? { injectId: action.injectId } : {}),
          ...(action.type === "signOff" ? { signOff: result.next.signOff } : {}),
          ...(action.type === "recordDebrief" ? { findings: result.next.debrief.findings.length } : {}),
          ...(stops && sandboxNow?.ingestTokenId ? { ingestTokenRevoked: sandboxNow.ingestTokenId } : {}),
        },
      });
    });
    if (stops) player?.forget(id);
    return { row: await rowOrThrow(db, id), warnings: result.warnings };
  }

  /**
   * The scenario's update is reference data, like a real bulletin: when the catalogue lacks it,
   * the drill records it (flagged as coming from the drill scenario) so the team need not type a
   * KB in. A person recording the same KB later takes that row over (updates.service).
   */
  async function ensureCatalogUpdate(
    tx: DbClient,
    actor: Actor,
    drillId: string,
    scenario: DrillScenario,
    at: Date,
  ): Promise<string> {
    const kb = scenario.subject.updateId;
    const found = await repo.findUpdateByKb(tx, kb);
    if (found) return found.id;
    const update = scenarioCatalogUpdate(scenario, at);
    const created = await repo.createCatalogUpdate(tx, {
      kbNumber: update.kbNumber,
      bulletinId: update.bulletinId,
      title: update.title,
      classification: update.classification,
      vendorSeverity: update.vendorSeverity,
      releasedAt: new Date(update.releasedAt),
      record: jsonSafe({
        ...update,
        drillScenario: { scenarioId: scenario.id, drillId },
      }) as Prisma.InputJsonValue,
    });
    await recordAudit(tx, actor, {
      action: "software_update.create",
      entityType: "software_update",
      entityId: created.id,
      after: { ...update, drill: true, drillScenario: { scenarioId: scenario.id, drillId } },
    });
    return created.id;
  }

  async function detailOf(actor: Actor, row: DrillRow, warnings: string[] = []): Promise<DrillDetail> {
    const drill = DrillSchema.parse(row.record);
    const scenario = scenarioOfRow(row);
    const ids = [drill.plan.umpireId, ...drill.plan.participants.map((p) => p.userId)];
    const people = await names(ids);
    const at = now();
    const sandbox = readSandbox(row.record);
    const acks = new Map<string, string>();
    if (row.sandboxFleetId) {
      for (const e of await timelineOf(row.sandboxFleetId)) {
        if (e.type !== "ERT_ACKNOWLEDGED") continue;
        const uid = (e.payload as { userId?: string } | null)?.userId;
        if (uid && !acks.has(uid)) acks.set(uid, new Date(e.at).toISOString());
      }
    }
    const me = actor.userId;
    const involved = !!me && ids.includes(me);
    const live = drill.status === "RUNNING" || drill.status === "PAUSED";
    const da = actor.userId && actor.role ? { userId: actor.userId, role: actor.role } : null;
    const runner = da !== null && isDrillRunner(drill, da);
    // Until the drill is over, only its runners read the injects that have not fired yet.
    const over = DRILL_OVER_STATES.includes(drill.status);
    const fired = new Set(drill.firedInjects.map((f) => f.injectId));
    const sealed = (injectId: string) => !runner && !over && !fired.has(injectId);
    const scheduled = scenario ? injectSchedule(drill, scenario, at) : [];
    const clock = drill.startedAt
      ? drillClock({
          startedAt: drill.startedAt,
          pauses: drill.pauses,
          timeScale: drill.timeScale,
          at: drill.endedAt ?? at,
          simOrigin: sandbox?.simOrigin ?? drill.startedAt,
        })
      : null;
    const overdue =
      live && runner && scenario && clock && clock.drillMinute >= scenario.durationMinutes
        ? [
            `The planned ${scenario.durationMinutes} minutes are over (drill minute ${clock.drillMinute}): end the drill when the team is done, so the report stops counting.`,
          ]
        : [];
    return {
      ...summaryOf(row, drill, people),
      record: drill,
      scenario: scenario
        ? scenarioView(scenario, findBuiltInScenario(scenario.id) !== null, runner || over ? undefined : fired)
        : null,
      clock: clock
        ? {
            asOf: (drill.endedAt ? new Date(drill.endedAt) : at).toISOString(),
            ...clock,
            timeScale: drill.timeScale,
            durationMinutes: scenario?.durationMinutes ?? 0,
          }
        : null,
      injects: scheduled.map((s) =>
        sealed(s.inject.id)
          ? {
              injectId: s.inject.id,
              kind: null,
              title: SEALED_TITLE,
              detail: SEALED_DETAIL,
              sealed: true,
              atMinute: s.inject.atMinute,
              status: s.status,
              firedAt: null,
              early: null,
              dueAt: s.dueAt,
              simulated: false,
              simulationNote: null,
            }
          : {
              injectId: s.inject.id,
              kind: s.inject.kind,
              title: s.inject.title,
              detail: s.inject.detail,
              sealed: false,
              atMinute: s.inject.atMinute,
              status: s.status,
              firedAt: s.firedAt,
              early: s.early,
              dueAt: s.dueAt,
              simulated: SIMULATED_INJECTS.has(s.inject.kind),
              simulationNote: simulationNote(s.inject.kind),
            },
      ),
      participants: [
        {
          userId: drill.plan.umpireId,
          displayName: people.get(drill.plan.umpireId)?.name ?? "(unknown user)",
          role: (people.get(drill.plan.umpireId)?.role ?? null) as DrillDetail["participants"][number]["role"],
          drillRole: null,
          umpire: true,
          joinedAt: null,
        },
        ...drill.plan.participants.map((p) => ({
          userId: p.userId,
          displayName: people.get(p.userId)?.name ?? "(unknown user)",
          role: (people.get(p.userId)?.role ?? null) as DrillDetail["participants"][number]["role"],
          drillRole: p.drillRole,
          umpire: false,
          joinedAt: acks.get(p.userId) ?? null,
        })),
      ],
      availableActions: da ? availableDrillActions(drill, da) : [],
      warnings: [
        ...new Set([...warnings, ...(drill.status === "PLANNED" ? planWarnings(drill.plan, at) : []), ...overdue]),
      ],
      sandbox: row.sandboxFleetId
        ? {
            fleetId: row.sandboxFleetId,
            emergencyId: row.emergencyId,
            status: sandbox?.status ?? "READY",
            prepareError: sandbox?.prepareError ?? null,
            simulatedUntil: sandbox
              ? new Date(Date.parse(sandbox.simOrigin) - sandbox.preRollMs + sandbox.reachedMs).toISOString()
              : null,
            advertisementsPlayed: sandbox
              ? sandbox.events.flatMap((e) => (e.kind === "FOLLOW" ? [e.advertisement.advertisementId] : []))
              : [],
            latestCoveragePct: sandbox?.coverage.at(-1)?.pct ?? null,
          }
        : null,
      canJoin: involved && live && !!row.sandboxFleetId,
      joined: !!me && acks.has(me),
      isRunner: runner,
    };
  }

  return {
    attachPlayer(p: DrillPlayer) {
      player = p;
    },

    /** The built-in scenarios; their scripts (injects) only for those who plan drills. */
    listScenarios(actor: Actor): { items: DrillScenarioView[] } {
      const planner = canProcess(actor.role, "runDrills");
      return {
        items: listBuiltInScenarios().map((s) => scenarioView(s, true, planner ? undefined : new Set<string>())),
      };
    },

    validateScenario(body: unknown): ScenarioValidation {
      const problems = scenarioProblems(body);
      return { valid: problems.length === 0, problems };
    },

    async staff(): Promise<DrillStaffList> {
      return { items: await repo.staff(db) };
    },

    async list(): Promise<DrillList> {
      const rows = await repo.list(db);
      const drills = rows.map((r) => ({ row: r, drill: DrillSchema.parse(r.record) }));
      const people = await names(drills.map((d) => d.drill.plan.umpireId));
      return { items: drills.map(({ row, drill }) => summaryOf(row, drill, people)) };
    },

    async plan(actor: Actor, body: PlanDrillBody): Promise<DrillDetail> {
      const who = await drillActor(actor);
      const { scenario: customInput, ...plan } = body;
      let scenario: DrillScenario | null = findBuiltInScenario(plan.scenarioId);
      let custom: unknown = null;
      if (customInput !== undefined) {
        const parsed = DrillScenarioSchema.safeParse(customInput);
        if (!parsed.success) {
          const details = parsed.error.issues.map((i) => ({
            path: `body.scenario.${i.path.join(".")}`,
            message: i.message,
          }));
          throw new AppError("VALIDATION_FAILED", `The scenario is not valid: ${details[0]?.message ?? ""}`, {
            details,
          });
        }
        if (parsed.data.id !== plan.scenarioId)
          throw new AppError(
            "VALIDATION_FAILED",
            "The plan's scenarioId must be the id of the scenario sent with it.",
            {
              details: [{ path: "body.scenarioId", message: `is not ${parsed.data.id}` }],
            },
          );
        if (findBuiltInScenario(parsed.data.id))
          throw new AppError(
            "VALIDATION_FAILED",
            `"${parsed.data.id}" is a built-in scenario; give yours its own id.`,
            {
              details: [{ path: "body.scenario.id", message: "is a built-in scenario id" }],
            },
          );
        scenario = parsed.data;
        custom = customInput;
      }
      const people = await repo.usersByIds(db, [plan.umpireId, ...plan.participants.map((p) => p.userId)]);
      const known = new Map(people.filter((u) => !u.disabled).map((u) => [u.id, u]));
      const details: { path: string; message: string }[] = [];
      if (!known.has(plan.umpireId)) details.push({ path: "body.umpireId", message: "no such enabled user" });
      plan.participants.forEach((p, i) => {
        if (!known.has(p.userId))
          details.push({ path: `body.participants.${i}.userId`, message: "no such enabled user" });
      });
      if (details.length > 0)
        throw new AppError("VALIDATION_FAILED", "Choose enabled users for the umpire and the participants.", {
          details,
        });
      const created = createDrill(plan, { now: now(), actor: who, scenario });
      if (!created.ok) throw new AppError(REFUSAL[created.code], created.reason);
      const id = await writeTransaction(db, async (tx) => {
        const row = await repo.create(tx, columnsOf(created.drill), {
          ...(jsonSafe(created.drill) as object),
          ...(custom ? { scenario: jsonSafe(custom) } : {}),
        });
        await recordAudit(tx, actor, {
          action: "drill.plan",
          entityType: "drill",
          entityId: row.id,
          after: { ...created.drill, drill: true },
        });
        return row.id;
      });
      return detailOf(actor, await rowOrThrow(db, id), created.warnings);
    },

    async detail(actor: Actor, id: string): Promise<DrillDetail> {
      return detailOf(actor, await rowOrThrow(db, id));
    },

    async act(actor: Actor, id: string, version: number, body: DrillActionBody): Promise<DrillDetail> {
      const action: DrillActionInput =
        body.type === "fireInject" ? { type: "fireInject", injectId: body.injectId, source: "UMPIRE" } : body;
      const { row, warnings } = await apply(actor, id, version, action);
      return detailOf(actor, row, warnings);
    },

    async debrief(actor: Actor, id: string, version: number, body: DrillDebriefBody): Promise<DrillReportView> {
      const row = await rowOrThrow(db, id);
      const drill = DrillSchema.parse(row.record);
      const owners = await repo.usersByIds(
        db,
        body.findings.map((f) => f.ownerId),
      );
      const enabled = new Set(owners.filter((u) => !u.disabled).map((u) => u.id));
      const bad = body.findings.flatMap((f, i) =>
        enabled.has(f.ownerId) ? [] : [{ path: `body.findings.${i}.ownerId`, message: "no such enabled user" }],
      );
      if (bad.length > 0 && drill.status === "ENDED")
        throw new AppError("VALIDATION_FAILED", "Every action needs an owner who is an enabled user.", {
          details: bad,
        });
      await apply(actor, id, version, { type: "recordDebrief", summary: body.summary, findings: body.findings });
      return this.report(actor, id);
    },

    /** Joining a running drill: the participant's ERT acknowledgement (tAssemble) and the sandbox to work in. */
    async join(actor: Actor, id: string): Promise<JoinDrillResult> {
      const who = await drillActor(actor);
      const row = await rowOrThrow(db, id);
      const drill = DrillSchema.parse(row.record);
      if (drill.status !== "RUNNING" && drill.status !== "PAUSED")
        throw new AppError(
          "ILLEGAL_TRANSITION",
          drill.status === "PLANNED"
            ? "The drill has not started yet: join it once the umpire starts it."
            : "The drill is over: open its report instead.",
        );
      if (!row.sandboxFleetId) throw new AppError("ILLEGAL_TRANSITION", "The drill has no sandbox yet.");
      const seat = drill.plan.participants.find((p) => p.userId === who.userId);
      const umpire = drill.plan.umpireId === who.userId;
      if (!seat && !umpire)
        throw new AppError(
          "FORBIDDEN",
          "Only the drill's umpire and its participants can join it; ask the umpire to add you.",
        );
      const at = now();
      const acknowledged = async (c: DbClient) =>
        (await repo.timelineOfFleet(c, row.sandboxFleetId!)).find(
          (e) => e.type === "ERT_ACKNOWLEDGED" && (e.payload as { userId?: string } | null)?.userId === who.userId,
        );
      const already = await acknowledged(db);
      let joinedAt = already ? already.at.toISOString() : at.toISOString();
      if (!already && seat) {
        joinedAt = await writeTransaction(db, async (tx) => {
          // Two joins at once (a double click, two tabs) acknowledge once: the second waits here and finds the first.
          await repo.lock(tx, id);
          const meanwhile = await acknowledged(tx);
          if (meanwhile) return meanwhile.at.toISOString();
          await recordTimeline(
            tx,
            actor,
            row.sandboxFleetId!,
            [
              {
                type: "ERT_ACKNOWLEDGED",
                at: at.toISOString(),
                actorId: who.userId,
                summary: `${who.name ?? actor.username} joined the drill as ${drillRoleLabels[seat.drillRole]}`,
                payload: { userId: who.userId, responseRole: seat.drillRole },
              },
            ],
            { emergencyId: row.emergencyId },
          );
          await recordAudit(tx, actor, {
            action: "drill.join",
            entityType: "drill",
            entityId: id,
            after: { drill: true, drillRole: seat.drillRole },
          });
          return at.toISOString();
        });
      }
      return {
        drillId: id,
        title: drill.plan.title,
        fleetId: row.sandboxFleetId,
        emergencyId: row.emergencyId,
        joinedAt,
      };
    },

    async report(actor: Actor, id: string): Promise<DrillReportView> {
      const row = await rowOrThrow(db, id);
      const drill = DrillSchema.parse(row.record);
      const scenario = scenarioOfRow(row);
      if (!scenario)
        throw new AppError("NOT_FOUND", `The drill's scenario "${row.scenarioId}" is no longer available.`);
      const frozen = drill.status === "SIGNED_OFF" && drill.report !== null;
      const full = frozen ? drill.report! : await liveReport(row, drill, scenario);
      const runner = !!actor.userId && !!actor.role && isDrillRunner(drill, { userId: actor.userId, role: actor.role });
      // While the drill runs, a participant's report lists only the injects that have fired.
      const report =
        runner || DRILL_OVER_STATES.includes(drill.status)
          ? full
          : { ...full, injects: full.injects.filter((i) => i.firedAt !== null) };
      const ids = [
        drill.plan.umpireId,
        ...report.findings.map((f) => f.ownerId),
        ...(drill.signOff ? [drill.signOff.userId] : []),
      ];
      const people = await names(ids);
      const da = actor.userId && actor.role ? { userId: actor.userId, role: actor.role } : null;
      const actions = da ? availableDrillActions(drill, da) : [];
      const signOff = actions.find((a) => a.action === "signOff");
      const debrief = actions.find((a) => a.action === "recordDebrief");
      return {
        drillId: id,
        version: row.version,
        state: drill.status,
        frozen,
        signOff: drill.signOff,
        report,
        people: Object.fromEntries([...people].map(([k, v]) => [k, v.name])),
        canSignOff: signOff?.enabled ?? false,
        signOffBlockedReason: signOff
          ? (signOff.reason ?? null)
          : frozen
            ? "The report is signed off and frozen."
            : "The drill must end before its report can be signed off.",
        canEditDebrief: debrief?.enabled ?? false,
      };
    },

    async trends(): Promise<DrillTrends> {
      const rows = await repo.listInStates(db, ["ENDED", "SIGNED_OFF"]);
      const inputs = [];
      const scenarioNames = new Map<string, string>();
      for (const row of rows) {
        const drill = DrillSchema.parse(row.record);
        const scenario = scenarioOfRow(row);
        if (!scenario || !drill.startedAt) continue;
        scenarioNames.set(scenario.id, scenario.name);
        const report = drill.report ?? (await liveReport(row, drill, scenario));
        inputs.push({
          drillId: row.id,
          scenarioId: scenario.id,
          title: drill.plan.title,
          startedAt: drill.startedAt,
          metrics: report.metrics,
        });
      }
      return {
        drills: inputs.length,
        series: drillTrends(inputs).map((s) => ({
          ...s,
          scenarioName: scenarioNames.get(s.scenarioId) ?? s.scenarioId,
        })),
      };
    },

    /** The scheduler: fires every inject whose minute has come (called by the player each round). */
    async fireDueInjects(id: string): Promise<void> {
      const row = await repo.find(db, id);
      if (!row) return;
      const scenario = scenarioOfRow(row);
      if (!scenario) return;
      const drill = DrillSchema.parse(row.record);
      for (const inject of dueInjects(drill, scenario, now())) {
        try {
          await apply(systemPlayerActor(id), id, null, { type: "fireInject", injectId: inject.id, source: "SCHEDULE" });
        } catch (err) {
          // Fired by the umpire meanwhile, or the drill moved on: the next round looks again.
          if (!(err instanceof AppError)) throw err;
        }
      }
    },
  };
}
export type DrillsService = ReturnType<typeof createDrillsService>;
