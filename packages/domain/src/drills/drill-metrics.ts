import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { DEFAULT_PRIORITY_POLICY, releasePriorityLabels, type PriorityPolicy } from "../process/priority.js";
import { formatDuration } from "../process/sla.js";
import { timelineEventTypeLabels, TimelineEventTypeSchema } from "../process/timeline.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import {
  drillElapsedMs,
  responseElapsedMs,
  wallTimeAtSimMs,
  type DrillClockBase,
  type PauseLike,
} from "./drill-clock.js";
import { eventsBetween, firstEvent, isCaseAction, iso, payloadOf, type TimedEvent } from "./drill-timeline.js";
import { detectDeviations, latestTestResults, type DeviationInput, type OobTaskLike } from "./deviations.js";
import {
  DRILL_METRIC_DEFINITIONS,
  DRILL_METRIC_KEYS,
  DrillMetricKeySchema,
  METRIC_UNITS,
  MetricClockSchema,
  OOB_CUTOFF_SIM_MS,
  type DrillMetricDefinition,
  type DrillMetricKey,
  type MetricClock,
} from "./metric-definitions.js";
import { DRILL_ROLES, drillRoleLabels, ERT_QUORUM_ROLES, type DrillRole, type DrillScenario } from "./scenario.js";
import type { OobTaskKind } from "../process/oob.js";

/**
 * `computeDrillMetrics`: every metric of domain.md §7 from a drill's timeline. T0 is the drill's
 * start. Events before T0 or after the drill ended (or `now`, while it runs) are ignored. A
 * metric whose stop never happened is NOT_REACHED with `value: null` — never 0.
 */

export const METRIC_STATUSES = ["REACHED", "NOT_REACHED", "NOT_APPLICABLE"] as const;
export const MetricStatusSchema = z.enum(METRIC_STATUSES);
export type MetricStatus = z.infer<typeof MetricStatusSchema>;

export const metricStatusLabels: Record<MetricStatus, string> = {
  REACHED: "Reached",
  NOT_REACHED: "Not reached",
  NOT_APPLICABLE: "Not applicable",
};

export const MetricEventRefSchema = z.object({
  /** A timeline event type, or DRILL_STARTED for T0, COVERAGE_SAMPLE, DISTRIBUTION_SAMPLE, INSTALL_STATUS, OOB_CUTOFF. */
  type: z.string(),
  label: z.string(),
  at: TimestampSchema,
  /** Drill time of `at`, pauses excluded. */
  drillMs: z.number(),
  eventId: z.string().nullable(),
});
export type MetricEventRef = z.infer<typeof MetricEventRefSchema>;

export const DrillMetricSchema = z.object({
  key: DrillMetricKeySchema,
  label: z.string(),
  unit: z.enum(METRIC_UNITS),
  clock: MetricClockSchema.nullable(),
  formula: z.string(),
  start: MetricEventRefSchema.nullable(),
  stop: MetricEventRefSchema.nullable(),
  /** ms for durations, 0–100 for percentages, a count for deviations; `null` unless REACHED. */
  value: z.number().nullable(),
  status: MetricStatusSchema,
  target: z.number().nullable(),
  targetSource: z.string().nullable(),
  /** `null` when there is no target, or the drill ended before the target could be judged. */
  met: z.boolean().nullable(),
  decisive: z.boolean(),
  note: z.string().nullable(),
  /** tHalt only: whether the automatic halt rule or a person halted (reports signed before it was added: null). */
  haltedBy: z.enum(["AUTOMATIC_RULE", "PERSON"]).nullable().default(null),
});
export type DrillMetric = z.infer<typeof DrillMetricSchema>;

export interface CoverageSample {
  at: TimeInput;
  /** 0–100. */
  pct: number;
}

/**
 * A halt of a sandbox advertisement, as the halts module records it (release_halts): when the
 * program was disabled, by whom (a person, or the automatic rule's sentence), and the last
 * "program started" (10005) received after it, if any (halt verification).
 */
export interface DrillHaltLike {
  advertisementId: string;
  haltedAt: TimeInput;
  /** The automatic halt rule's sentence; `null` = a person halted. */
  automaticRule: string | null;
  haltedBy?: string | null;
  /** The last 10005 of the advertisement received after the halt; `null`/absent = none. */
  lastStartAfterHaltAt?: TimeInput | null;
  startsAfterHalt?: number;
}

export interface DrillParticipantLike {
  userId: string;
  drillRole: DrillRole;
}

export interface DrillMetricsInput extends Omit<DeviationInput, "scenario"> {
  scenario: Pick<DrillScenario, "metrics" | "expectedPriority" | "timeScale">;
  /** T0. */
  startedAt: TimeInput;
  pauses?: readonly PauseLike[];
  /** Defaults to the scenario's. */
  timeScale?: number;
  /** Defaults to DEFAULT_PRIORITY_POLICY. */
  policy?: PriorityPolicy;
  /**
   * Sandbox coverage of the scenario's update over time: installed ÷ applicable machines from the
   * compliance rows, with DONE out-of-band machine tasks folded in (oob.ts `coverageWithOob`). A
   * sample holds until the next one.
   */
  coverage: readonly CoverageSample[];
  /** % of required DPs holding the current source version over time (a sample holds until the next); absent = not measured. */
  distribution?: readonly CoverageSample[];
  /**
   * When the release was advertised if no case started its deployment: the first time an
   * advertisement of the update became active. A startDeployment on the timeline wins.
   */
  advertisedAt?: TimeInput | null;
  /** The case's CORE acceptance tests (their ids, from the stored tests); absent = the CORE tests seen on the timeline. */
  coreTestIds?: readonly string[];
  /** The sandbox's halts (halt records); absent = the HALTED events of the timeline. */
  halts?: readonly DrillHaltLike[];
  /** First 10008/10009 from the sandbox: absent = not measured, `null` = none yet. */
  firstSuccessAt?: TimeInput | null;
  oobTasks?: readonly OobTaskLike[];
  /** Maps acknowledgements to drill roles when the event does not say the seat. */
  participants?: readonly DrillParticipantLike[];
}

interface Ctx {
  input: DrillMetricsInput;
  clock: DrillClockBase;
  start: number;
  asOf: number;
  ended: boolean;
  events: TimedEvent[];
  advertisedMs: number | null;
  policy: PriorityPolicy;
}

const eventLabel = (type: string): string => {
  const known = TimelineEventTypeSchema.safeParse(type);
  return known.success ? timelineEventTypeLabels[known.data] : type;
};

function refOf(ctx: Ctx, type: string, label: string, ms: number, eventId?: string | null): MetricEventRef {
  return {
    type,
    label,
    at: iso(ms),
    drillMs: drillElapsedMs(ctx.start, ctx.clock.pauses, ms),
    eventId: eventId ?? null,
  };
}

const refOfEvent = (ctx: Ctx, e: TimedEvent, label?: string): MetricEventRef =>
  refOf(ctx, e.event.type, label ?? e.event.summary ?? eventLabel(e.event.type), e.ms, e.event.id);

function t0Ref(ctx: Ctx): MetricEventRef {
  const started = firstEvent(ctx.events, (e) => e.type === "DRILL_STARTED");
  return refOf(ctx, "DRILL_STARTED", "Drill started (T0)", ctx.start, started?.event.id);
}

/** The metric's clock reading at `ms`. */
function clockAt(ctx: Ctx, clock: MetricClock, ms: number): number {
  const d = drillElapsedMs(ctx.start, ctx.clock.pauses, ms);
  if (clock === "DRILL") return d;
  if (clock === "SIM") return d * ctx.clock.timeScale;
  return responseElapsedMs(ctx.clock, ms, ctx.advertisedMs);
}

function base(def: DrillMetricDefinition, target: { value: number; source: string } | null): DrillMetric {
  return {
    key: def.key,
    label: def.label,
    unit: def.unit,
    clock: def.clock,
    formula: def.formula,
    start: null,
    stop: null,
    value: null,
    status: "NOT_APPLICABLE",
    target: target?.value ?? null,
    targetSource: target?.source ?? null,
    met: null,
    decisive: def.decisive,
    note: null,
    haltedBy: null,
  };
}

const asOfWords = (ctx: Ctx) => (ctx.ended ? "by the end of the drill" : "yet");

/** A duration from `start` to `stop` on the metric's clock. */
function duration(
  ctx: Ctx,
  key: DrillMetricKey,
  start: MetricEventRef | null,
  stop: MetricEventRef | null,
  opts: { target?: { value: number; source: string } | null; notReachedNote?: string } = {},
): DrillMetric {
  const def = DRILL_METRIC_DEFINITIONS[key];
  const clock = def.clock as MetricClock;
  const m = base(def, opts.target === undefined ? def.target : opts.target);
  m.start = start;
  m.status = "NOT_REACHED";
  if (!start) {
    m.note = `Never started: ${def.startsAt} did not happen ${asOfWords(ctx)}.`;
    return m;
  }
  const startMs = toEpochMs(start.at);
  if (!stop) {
    const window = clockAt(ctx, clock, ctx.asOf) - clockAt(ctx, clock, startMs);
    // Missed for sure once the window passed the target; before that the drill simply ended too soon to tell.
    if (m.target !== null) m.met = window > m.target ? false : null;
    m.note =
      opts.notReachedNote ??
      `Not reached ${asOfWords(ctx)}: ${def.stopsAt} did not happen (${formatDuration(window)} after the start on this clock).`;
    return m;
  }
  m.stop = stop;
  m.status = "REACHED";
  m.value = clockAt(ctx, clock, toEpochMs(stop.at)) - clockAt(ctx, clock, startMs);
  if (m.target !== null) m.met = m.value <= m.target;
  return m;
}

/**
 * The first instant in [fromMs, toMs] at which the sampled value is at least `pct`. A sample holds
 * until the next one (samples are taken when the value changes), so a value already reached
 * before `fromMs` counts from `fromMs`.
 */
function firstSampleAtLeast(
  samples: readonly CoverageSample[],
  pct: number,
  fromMs: number,
  toMs: number,
): { ms: number; pct: number } | null {
  const sorted = samples.map((s) => ({ ms: toEpochMs(s.at), pct: s.pct })).sort((a, b) => a.ms - b.ms);
  let before: { ms: number; pct: number } | null = null;
  for (const s of sorted) {
    if (s.ms > toMs) break;
    if (s.ms <= fromMs) {
      before = s;
      continue;
    }
    if (before && before.pct >= pct) return { ms: fromMs, pct: before.pct };
    before = null;
    if (s.pct >= pct) return s;
  }
  return before && before.pct >= pct ? { ms: fromMs, pct: before.pct } : null;
}

const fmtPct = (n: number) => `${Math.round(n * 10) / 10} %`;

function assemble(ctx: Ctx): DrillMetric {
  const roleOf = new Map<string, DrillRole>((ctx.input.participants ?? []).map((p) => [p.userId, p.drillRole]));
  const seated = new Set<DrillRole>();
  let stop: TimedEvent | null = null;
  for (const e of ctx.events) {
    const p = payloadOf(e.event, "ERT_ACKNOWLEDGED");
    if (!p) continue;
    const declared = DRILL_ROLES.find((r) => r === p.responseRole);
    const role = declared ?? roleOf.get(p.userId ?? "") ?? roleOf.get(e.event.actorId ?? "");
    if (role) seated.add(role);
    if (ERT_QUORUM_ROLES.every((r) => seated.has(r))) {
      stop = e;
      break;
    }
  }
  const missing = ERT_QUORUM_ROLES.filter((r) => !seated.has(r)).map((r) => drillRoleLabels[r]);
  return duration(ctx, "tAssemble", t0Ref(ctx), stop && refOfEvent(ctx, stop, "ERT quorum acknowledged"), {
    notReachedNote: `The ERT quorum did not assemble ${asOfWords(ctx)}: no acknowledgement from ${missing.join(", ")}.`,
  });
}

/**
 * From the package built to the first instant every CORE test of the case has passed (the stored
 * tests when given, so a CORE test not yet run keeps the metric open), or the release accepted
 * (acceptRelease: gate G5, which for an Emergency needs the CORE tests passed), whichever is first.
 */
function coreTestsPassed(ctx: Ctx, built: TimedEvent | null): DrillMetric {
  const start = built ? refOfEvent(ctx, built, "Package built (testing started)") : null;
  const coreIds = new Set<string>(ctx.input.coreTestIds ?? []);
  if (ctx.input.coreTestIds === undefined) {
    for (const e of ctx.events) {
      const p = payloadOf(e.event, "TEST_RECORDED");
      if (p?.testId && p.scope === "CORE") coreIds.add(p.testId);
    }
  }
  let stop: MetricEventRef | null = null;
  if (built && coreIds.size > 0) {
    for (const e of ctx.events) {
      if (e.ms < built.ms || e.event.type !== "TEST_RECORDED") continue;
      const latest = latestTestResults(ctx.events, e.ms);
      if ([...coreIds].every((id) => latest.get(id)?.result === "PASSED")) {
        stop = refOfEvent(ctx, e, "Last core test passed");
        break;
      }
    }
  }
  const accepted = built ? firstEvent(ctx.events, (e) => isCaseAction(e, "acceptRelease"), built.ms) : null;
  if (accepted && (!stop || accepted.ms < toEpochMs(stop.at)))
    stop = refOfEvent(ctx, accepted, "Release accepted (core tests passed)");
  return duration(ctx, "tCoreTestPass", start, stop, {
    ...(built && coreIds.size === 0 && !accepted ? { notReachedNote: "No core-functionality test was recorded." } : {}),
  });
}

/**
 * tHalt (domain.md §7): from the halt decision — the INSTALLS_FAILING inject, when the failures
 * become known — to the program disabled with no new 10005 received after it: the halt record's
 * time, or the last "program started" received after it when some still arrived. Says whether
 * the automatic halt rule or a person halted.
 */
function haltMetric(ctx: Ctx, failing: TimedEvent | null): DrillMetric {
  const start = failing ? refOfEvent(ctx, failing, "Installs started failing (inject)") : null;
  type Found = {
    ms: number;
    stopMs: number;
    automaticRule: string | null;
    by: string | null;
    after: number;
    id: string | null;
  };
  let found: Found | null = null;
  if (failing) {
    if (ctx.input.halts !== undefined) {
      for (const h of ctx.input.halts) {
        const ms = toEpochMs(h.haltedAt);
        if (ms < failing.ms || ms > ctx.asOf || (found && found.ms <= ms)) continue;
        const last = h.lastStartAfterHaltAt ? Math.min(ctx.asOf, toEpochMs(h.lastStartAfterHaltAt)) : ms;
        found = {
          ms,
          stopMs: Math.max(ms, last),
          automaticRule: h.automaticRule,
          by: h.haltedBy ?? null,
          after: h.startsAfterHalt ?? 0,
          id: null,
        };
      }
    } else {
      const e = firstEvent(ctx.events, (x) => x.type === "HALTED", failing.ms);
      if (e) {
        const p = payloadOf(e.event, "HALTED");
        found = {
          ms: e.ms,
          stopMs: e.ms,
          automaticRule: p?.automaticRule ?? null,
          by: e.event.actorId ?? null,
          after: 0,
          id: e.event.id ?? null,
        };
      }
    }
  }
  const automatic = found ? found.automaticRule !== null : false;
  const stop = found
    ? refOf(
        ctx,
        found.stopMs > found.ms ? "PROGRAM_STARTED" : "HALTED",
        found.stopMs > found.ms
          ? `Last program start received after the halt (${found.after} after it)`
          : automatic
            ? "Program disabled by the automatic halt rule"
            : "Program disabled (halted)",
        found.stopMs,
        found.id,
      )
    : null;
  const m = duration(ctx, "tHalt", start, stop);
  if (found) {
    m.haltedBy = automatic ? "AUTOMATIC_RULE" : "PERSON";
    m.note = automatic
      ? `Halted by the automatic halt rule, not a person: ${found.automaticRule}.`
      : `Halted by a person${found.by ? ` (${found.by})` : ""}.`;
    if (found.stopMs > found.ms)
      m.note += ` ${found.after === 1 ? "A program start" : `${found.after} program starts`} still arrived after the program was disabled; the halt counts from the last one.`;
  }
  return m;
}

function coverage(ctx: Ctx, key: "tCoverage50" | "tCoverage90" | "tCoverage95", pct: number): DrillMetric {
  const hit = firstSampleAtLeast(ctx.input.coverage, pct, ctx.start, ctx.asOf);
  let target: { value: number; source: string } | null = null;
  if (key === "tCoverage95") {
    const p = ctx.input.scenario.expectedPriority;
    const hours = ctx.policy[p].targetHours;
    target = {
      value: hours * 3_600_000,
      source: `Priority policy: ${releasePriorityLabels[p]} target time frame (${hours} h), the scenario's priority`,
    };
  }
  const best = ctx.input.coverage
    .filter((s) => toEpochMs(s.at) >= ctx.start && toEpochMs(s.at) <= ctx.asOf)
    .reduce<number | null>((m, s) => (m === null || s.pct > m ? s.pct : m), null);
  return duration(ctx, key, t0Ref(ctx), hit && refOf(ctx, "COVERAGE_SAMPLE", `Coverage ${fmtPct(hit.pct)}`, hit.ms), {
    target,
    notReachedNote: `Coverage did not reach ${pct} % ${asOfWords(ctx)}${best === null ? " (no coverage samples)" : `; the highest was ${fmtPct(best)}`}.`,
  });
}

const OOB_KINDS: Record<"oobCompletion" | "oobInfraCompletion" | "oobSlowLinkCompletion", readonly OobTaskKind[]> = {
  oobCompletion: ["INFRA_SERVER_MANUAL", "SLOW_LINK_CLIENT", "COURIER_PARCEL"],
  oobInfraCompletion: ["INFRA_SERVER_MANUAL"],
  oobSlowLinkCompletion: ["SLOW_LINK_CLIENT"],
};

function oob(ctx: Ctx, key: keyof typeof OOB_KINDS): DrillMetric {
  const def = DRILL_METRIC_DEFINITIONS[key];
  const m = base(def, def.target);
  const tasks = (ctx.input.oobTasks ?? []).filter((t) => OOB_KINDS[key].includes(t.kind));
  if (tasks.length === 0) {
    m.note = "No out-of-band tasks of these kinds in this drill.";
    return m;
  }
  const closedBy = (ms: number) =>
    tasks.filter(
      (t) =>
        (t.state === "DONE" || t.state === "NOT_NEEDED") &&
        t.completedAt !== undefined &&
        t.completedAt !== null &&
        toEpochMs(t.completedAt) <= ms,
    ).length;
  const cutoff = wallTimeAtSimMs(ctx.clock, OOB_CUTOFF_SIM_MS);
  m.start = t0Ref(ctx);
  if (cutoff === null || cutoff > ctx.asOf) {
    const simHours = (drillElapsedMs(ctx.start, ctx.clock.pauses, ctx.asOf) * ctx.clock.timeScale) / 3_600_000;
    m.status = "NOT_REACHED";
    m.note = `${ctx.ended ? "The drill ended" : "The drill is"} at T0 + ${Math.round(simHours * 10) / 10} h simulated, before T0 + 24 h; ${fmtPct((closedBy(ctx.asOf) / tasks.length) * 100)} of ${tasks.length} tasks were closed by then.`;
    return m;
  }
  m.stop = refOf(ctx, "OOB_CUTOFF", "T0 + 24 h simulated", cutoff);
  m.status = "REACHED";
  m.value = (closedBy(cutoff) / tasks.length) * 100;
  m.note = `${closedBy(cutoff)} of ${tasks.length} tasks closed.`;
  if (m.target !== null) m.met = m.value >= m.target;
  return m;
}

export function computeDrillMetrics(input: DrillMetricsInput): DrillMetric[] {
  const timeScale = input.timeScale ?? input.scenario.timeScale;
  const start = toEpochMs(input.startedAt);
  const ended = input.endedAt !== undefined && input.endedAt !== null;
  const asOf = ended ? toEpochMs(input.endedAt as TimeInput) : toEpochMs(input.now);
  const events = eventsBetween(input.timeline, start, asOf);
  const clock: DrillClockBase = { startedAt: start, timeScale, ...(input.pauses ? { pauses: input.pauses } : {}) };
  const advertised = firstEvent(events, (e) => isCaseAction(e, "startDeployment"));
  // Without a startDeployment, the first time an advertisement of the update became active.
  const activeAtMs =
    input.advertisedAt === undefined || input.advertisedAt === null
      ? null
      : Math.max(start, toEpochMs(input.advertisedAt));
  const advertisedMs = advertised?.ms ?? (activeAtMs !== null && activeAtMs <= asOf ? activeAtMs : null);
  const ctx: Ctx = {
    input,
    clock,
    start,
    asOf,
    ended,
    events,
    advertisedMs,
    policy: input.policy ?? DEFAULT_PRIORITY_POLICY,
  };

  const T0 = t0Ref(ctx);
  const prioritySet = firstEvent(events, (e) => e.type === "PRIORITY_SET");
  const confirmed = prioritySet ? firstEvent(events, (e) => e.type === "PRIORITY_CONFIRMED", prioritySet.ms) : null;
  const firstConfirmed = firstEvent(events, (e) => e.type === "PRIORITY_CONFIRMED");
  const built = firstEvent(events, (e) => isCaseAction(e, "startTesting"));
  const builtRef = built && refOfEvent(ctx, built, "Package built (testing started)");
  const advertisedRef = advertised
    ? refOfEvent(ctx, advertised, "Advertised (deployment started)")
    : advertisedMs !== null
      ? refOf(ctx, "ADVERTISEMENT_ACTIVE", "An advertisement of the update became active", advertisedMs)
      : null;
  const failing = firstEvent(events, (e) => payloadOf(e, "DRILL_INJECT_FIRED")?.kind === "INSTALLS_FAILING");
  const rollbackDecided = firstEvent(events, (e) => isCaseAction(e, "startRollback"));
  const ev = (e: TimedEvent | null, label?: string) => (e ? refOfEvent(ctx, e, label) : null);

  const compute: Record<DrillMetricKey, () => DrillMetric> = {
    tAssemble: () => assemble(ctx),
    tInitialPriority: () =>
      duration(ctx, "tInitialPriority", T0, ev(prioritySet, "Initial priority set (RFC submitted)")),
    tSourceVerified: () =>
      duration(
        ctx,
        "tSourceVerified",
        T0,
        ev(
          firstEvent(events, (e) => isCaseAction(e, "verifySource")),
          "Source verified",
        ),
      ),
    tPriorityConfirmed: () =>
      duration(ctx, "tPriorityConfirmed", ev(prioritySet, "RFC submitted"), ev(confirmed, "Priority confirmed")),
    tPackageBuilt: () =>
      duration(
        ctx,
        "tPackageBuilt",
        ev(firstConfirmed, "Priority confirmed"),
        firstConfirmed && built && built.ms >= firstConfirmed.ms ? builtRef : null,
      ),
    tDpsReady90: () => {
      if (input.distribution === undefined)
        return notMeasured("tDpsReady90", "Distribution-point status was not measured.");
      const hit = built ? firstSampleAtLeast(input.distribution, 90, built.ms, asOf) : null;
      return duration(
        ctx,
        "tDpsReady90",
        builtRef,
        hit && refOf(ctx, "DISTRIBUTION_SAMPLE", `${fmtPct(hit.pct)} of DPs ready`, hit.ms),
      );
    },
    tCoreTestPass: () => coreTestsPassed(ctx, built),
    tAdvertised: () => duration(ctx, "tAdvertised", T0, advertised ? advertisedRef : null),
    tFirstSuccess: () => {
      if (input.firstSuccessAt === undefined)
        return notMeasured("tFirstSuccess", "Install status from the sandbox was not measured.");
      const ms = input.firstSuccessAt === null ? null : toEpochMs(input.firstSuccessAt);
      const ok = ms !== null && advertisedMs !== null && ms >= advertisedMs && ms <= asOf;
      return duration(
        ctx,
        "tFirstSuccess",
        advertisedRef,
        ok ? refOf(ctx, "INSTALL_STATUS", "First install succeeded (10008/10009)", ms) : null,
      );
    },
    tCoverage50: () => coverage(ctx, "tCoverage50", 50),
    tCoverage90: () => coverage(ctx, "tCoverage90", 90),
    tCoverage95: () => coverage(ctx, "tCoverage95", 95),
    tHalt: () => haltMetric(ctx, failing),
    tRollbackReady: () =>
      duration(
        ctx,
        "tRollbackReady",
        ev(rollbackDecided, "Rollback decided"),
        rollbackDecided
          ? ev(
              firstEvent(events, (e) => e.type === "ROLLBACK_READY", rollbackDecided.ms),
              "Rollback ready",
            )
          : null,
      ),
    oobCompletion: () => oob(ctx, "oobCompletion"),
    oobInfraCompletion: () => oob(ctx, "oobInfraCompletion"),
    oobSlowLinkCompletion: () => oob(ctx, "oobSlowLinkCompletion"),
    processDeviations: () => {
      const def = DRILL_METRIC_DEFINITIONS.processDeviations;
      const m = base(def, def.target);
      const deviations = detectDeviations(input);
      m.status = "REACHED";
      m.value = deviations.length;
      m.met = deviations.length <= (m.target ?? 0);
      if (deviations.length > 0) m.note = deviations.map((d) => d.title).join("; ");
      return m;
    },
  };

  return DRILL_METRIC_KEYS.map((key) => {
    if (!input.scenario.metrics.includes(key)) {
      const m = base(DRILL_METRIC_DEFINITIONS[key], null);
      m.note = "This scenario is not scored on this metric.";
      return m;
    }
    return compute[key]();
  });
}

function notMeasured(key: DrillMetricKey, note: string): DrillMetric {
  const m = base(DRILL_METRIC_DEFINITIONS[key], null);
  m.note = note;
  return m;
}
