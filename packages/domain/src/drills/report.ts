import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { DEFAULT_PRIORITY_POLICY, PriorityPolicySchema } from "../process/priority.js";
import { timelineEventTypeLabels, TimelineEventTypeSchema } from "../process/timeline.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { drillElapsedMs, type DrillPause } from "./drill-clock.js";
import { DrillDeviationSchema, detectDeviations } from "./deviations.js";
import { computeDrillMetrics, DrillMetricSchema, type DrillMetricsInput } from "./drill-metrics.js";
import { eventsBetween, iso } from "./drill-timeline.js";
import { DrillModeSchema, DrillScenarioKindSchema, InjectKindSchema, type DrillScenario } from "./scenario.js";
import { DrillVerdictSchema, drillVerdict } from "./verdict.js";

/**
 * The drill report (product.md C10): verdict, metric table against targets, coverage curve,
 * timeline, deviations, findings with owners. Built when the drill has ended; the sign-off stores
 * a copy in the drill record and it never changes again.
 */

export const DrillFindingSchema = z.object({
  text: z.string().trim().min(3, "Describe the finding").max(2000, "Use at most 2,000 characters"),
  action: z.string().trim().min(3, "Say what will be done about it").max(2000, "Use at most 2,000 characters"),
  ownerId: z.string({ message: "Choose who owns the action" }).min(1, "Choose who owns the action"),
  dueAt: TimestampSchema.nullable().default(null),
});
export type DrillFinding = z.infer<typeof DrillFindingSchema>;

export const DrillReportSchema = z.object({
  title: z.string(),
  scenario: z.object({ id: z.string(), name: z.string(), kind: DrillScenarioKindSchema, mode: DrillModeSchema }),
  timeScale: z.number(),
  /** The time scale in words, for the report's header. */
  timeScaleNote: z.string(),
  startedAt: TimestampSchema,
  endedAt: TimestampSchema.nullable(),
  drillMs: z.number(),
  pausedMs: z.number(),
  simMs: z.number(),
  verdict: DrillVerdictSchema,
  metrics: z.array(DrillMetricSchema),
  deviations: z.array(DrillDeviationSchema),
  coverageCurve: z.array(
    z.object({ at: TimestampSchema, drillMinute: z.number(), simHours: z.number(), pct: z.number() }),
  ),
  timeline: z.array(
    z.object({
      at: TimestampSchema,
      drillMinute: z.number(),
      type: z.string(),
      label: z.string(),
      summary: z.string(),
    }),
  ),
  injects: z.array(
    z.object({
      injectId: z.string(),
      kind: InjectKindSchema,
      title: z.string(),
      atMinute: z.number(),
      firedAt: TimestampSchema.nullable(),
      early: z.boolean().nullable(),
    }),
  ),
  findings: z.array(DrillFindingSchema),
  debriefSummary: z.string(),
  generatedAt: TimestampSchema,
  /** The priority policy the coverage target was read from (reports signed before it was stored: null). */
  policy: PriorityPolicySchema.nullable().default(null),
});
export type DrillReport = z.infer<typeof DrillReportSchema>;

/** The parts of a drill record the report reads (drill-machine.ts `Drill`). */
export interface DrillReportSource {
  plan: { title: string };
  timeScale: number;
  startedAt: string | null;
  endedAt: string | null;
  pauses: readonly DrillPause[];
  firedInjects: readonly { injectId: string; at: string; early: boolean }[];
  debrief: { summary: string; findings: readonly DrillFinding[] };
}

export type BuildDrillReportInput = Omit<
  DrillMetricsInput,
  "scenario" | "startedAt" | "pauses" | "timeScale" | "endedAt"
> & {
  drill: DrillReportSource;
  scenario: DrillScenario;
  now: TimeInput;
};

export function timeScaleNote(timeScale: number): string {
  if (timeScale === 1) return "Real time: the sandbox fleet ran at the team's speed.";
  return `× ${timeScale}: each real hour of the drill was ${timeScale} simulated hours for the sandbox fleet (one drill minute = ${timeScale} simulated minutes). The team's own steps are timed in real drill time, the fleet's (distribution, installs, coverage after the advertisement) in simulated time.`;
}

/** Throws when the drill never started (there is nothing to report). */
export function buildDrillReport(input: BuildDrillReportInput): DrillReport {
  const { drill, scenario } = input;
  if (!drill.startedAt) throw new RangeError("A drill that never started has no report.");
  const startMs = toEpochMs(drill.startedAt);
  const asOf = drill.endedAt ? toEpochMs(drill.endedAt) : toEpochMs(input.now);
  const metricsInput: DrillMetricsInput = {
    ...input,
    startedAt: drill.startedAt,
    pauses: drill.pauses,
    timeScale: drill.timeScale,
    endedAt: drill.endedAt,
  };
  const metrics = computeDrillMetrics(metricsInput);
  const deviations = detectDeviations(metricsInput);
  const drillMs = drillElapsedMs(startMs, drill.pauses, asOf);
  const minuteOf = (ms: number) => Math.floor(drillElapsedMs(startMs, drill.pauses, ms) / 60_000);
  const label = (type: string) => {
    const k = TimelineEventTypeSchema.safeParse(type);
    return k.success ? timelineEventTypeLabels[k.data] : type;
  };
  const fired = new Map(drill.firedInjects.map((f) => [f.injectId, f]));

  return {
    title: drill.plan.title,
    scenario: { id: scenario.id, name: scenario.name, kind: scenario.kind, mode: scenario.mode },
    timeScale: drill.timeScale,
    timeScaleNote: timeScaleNote(drill.timeScale),
    startedAt: iso(startMs),
    endedAt: drill.endedAt ? iso(toEpochMs(drill.endedAt)) : null,
    drillMs,
    pausedMs: asOf - startMs - drillMs,
    simMs: drillMs * drill.timeScale,
    verdict: drillVerdict(metrics, deviations),
    metrics,
    deviations,
    coverageCurve: input.coverage
      .map((s) => ({ ms: toEpochMs(s.at), pct: s.pct }))
      .filter((s) => s.ms >= startMs && s.ms <= asOf)
      .sort((a, b) => a.ms - b.ms)
      .map((s) => {
        const d = drillElapsedMs(startMs, drill.pauses, s.ms);
        return {
          at: iso(s.ms),
          drillMinute: Math.floor(d / 60_000),
          simHours: (d * drill.timeScale) / 3_600_000,
          pct: s.pct,
        };
      }),
    timeline: eventsBetween(input.timeline, startMs, asOf).map((e) => ({
      at: iso(e.ms),
      drillMinute: minuteOf(e.ms),
      type: e.event.type,
      label: label(e.event.type),
      summary: e.event.summary ?? label(e.event.type),
    })),
    injects: scenario.injects.map((inj) => {
      const f = fired.get(inj.id);
      return {
        injectId: inj.id,
        kind: inj.kind,
        title: inj.title,
        atMinute: inj.atMinute,
        firedAt: f ? f.at : null,
        early: f ? f.early : null,
      };
    }),
    findings: [...drill.debrief.findings],
    debriefSummary: drill.debrief.summary,
    generatedAt: iso(toEpochMs(input.now)),
    policy: input.policy ?? DEFAULT_PRIORITY_POLICY,
  };
}
