import { z } from "zod";
import { RoleSchema } from "../auth/roles.js";
import { TimestampSchema } from "../common/http.js";
import { EmergencyTypeSchema } from "../process/emergency.js";
import { ReleasePrioritySchema } from "../process/priority.js";
import {
  DRILL_ACTION_RULES,
  DrillPlanSchema,
  DrillSchema,
  DrillSignOffSchema,
  DrillStateSchema,
} from "./drill-machine.js";
import { DrillMetricKeySchema, MetricClockSchema, METRIC_UNITS } from "./metric-definitions.js";
import { DrillFindingSchema, DrillReportSchema } from "./report.js";
import {
  DrillModeSchema,
  DrillRoleSchema,
  DrillScenarioKindSchema,
  InjectKindSchema,
  ReleaseCaseStartSchema,
  SandboxFleetPresetSchema,
} from "./scenario.js";

/**
 * The drills HTTP API's request and response shapes (apps/api/src/modules/drills). The rules are
 * in drill-machine.ts; these only describe what crosses the wire.
 */

/** A scenario as the API shows it (the validated DrillScenario, without its parse-time transform). */
export const DrillScenarioViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: DrillScenarioKindSchema,
  mode: DrillModeSchema,
  emergencyType: EmergencyTypeSchema,
  fleet: z.object({
    preset: SandboxFleetPresetSchema,
    seed: z.number(),
    computers: z.number().optional(),
    activeRelease: z.boolean(),
    releaseCase: ReleaseCaseStartSchema,
  }),
  subject: z.object({
    bulletinId: z.string(),
    updateId: z.string(),
    title: z.string(),
    vendorSeverity: z.string(),
    worm: z.string().nullable(),
  }),
  expectedPriority: ReleasePrioritySchema,
  timeScale: z.number(),
  durationMinutes: z.number(),
  metrics: z.array(DrillMetricKeySchema),
  injects: z.array(
    z.object({
      id: z.string(),
      atMinute: z.number(),
      kind: InjectKindSchema,
      title: z.string(),
      detail: z.string(),
      parameters: z.record(z.string(), z.unknown()),
    }),
  ),
  /** Built in (shipped as data) or posted with a drill plan. */
  builtIn: z.boolean(),
});
export type DrillScenarioView = z.infer<typeof DrillScenarioViewSchema>;
export const DrillScenarioListSchema = z.object({ items: z.array(DrillScenarioViewSchema) });

/** POST /api/drills/scenarios/validate: the problems of a custom scenario, `[]` when it is valid. */
export const ScenarioValidationSchema = z.object({
  valid: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});

/**
 * POST /api/drills: the plan, and optionally a custom scenario (JSON validated by
 * DrillScenarioSchema) whose id the plan names. Built-in scenarios need only `scenarioId`.
 */
export const PlanDrillBodySchema = z.intersection(
  DrillPlanSchema,
  z.object({ scenario: z.record(z.string(), z.unknown()).optional() }),
);
export type PlanDrillBody = z.infer<typeof PlanDrillBodySchema>;

export const DrillSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  scenarioId: z.string(),
  scenarioName: z.string(),
  scenarioKind: DrillScenarioKindSchema.nullable(),
  title: z.string(),
  state: DrillStateSchema,
  scheduledStart: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  endedAt: TimestampSchema.nullable(),
  signedOffAt: TimestampSchema.nullable(),
  umpireId: z.string(),
  umpireName: z.string(),
  timeScale: z.number(),
  participantCount: z.number().int(),
  sandboxFleetId: z.string().nullable(),
  emergencyId: z.string().nullable(),
  createdAt: TimestampSchema,
});
export type DrillSummary = z.infer<typeof DrillSummarySchema>;
export const DrillListSchema = z.object({ items: z.array(DrillSummarySchema) });
export type DrillList = z.infer<typeof DrillListSchema>;

export const DRILL_ACTION_TYPES = Object.keys(DRILL_ACTION_RULES) as (keyof typeof DRILL_ACTION_RULES)[];

export const DrillClockViewSchema = z.object({
  asOf: TimestampSchema,
  drillMs: z.number(),
  simMs: z.number(),
  drillMinute: z.number().int(),
  paused: z.boolean(),
  /** The sandbox's simulated calendar now (simulated origin + simMs). */
  simAt: TimestampSchema.nullable(),
  timeScale: z.number(),
  durationMinutes: z.number(),
});
export type DrillClockView = z.infer<typeof DrillClockViewSchema>;

export const DrillInjectViewSchema = z.object({
  injectId: z.string(),
  /** `null` while sealed. */
  kind: InjectKindSchema.nullable(),
  title: z.string(),
  detail: z.string(),
  /**
   * The inject has not fired and the caller does not run the drill: its kind and text are hidden
   * (participants are being tested and must not read the script).
   */
  sealed: z.boolean(),
  atMinute: z.number(),
  status: z.enum(["FIRED", "DUE", "UPCOMING"]),
  firedAt: TimestampSchema.nullable(),
  early: z.boolean().nullable(),
  dueAt: TimestampSchema.nullable(),
  /** Whether the sandbox simulator acts on it; otherwise it is a message to the team and a timeline event. */
  simulated: z.boolean(),
  simulationNote: z.string().nullable(),
});
export type DrillInjectView = z.infer<typeof DrillInjectViewSchema>;

export const DrillParticipantViewSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  role: RoleSchema.nullable(),
  drillRole: DrillRoleSchema.nullable(),
  umpire: z.boolean(),
  /** When they joined the running drill (their ERT acknowledgement). */
  joinedAt: TimestampSchema.nullable(),
});
export type DrillParticipantView = z.infer<typeof DrillParticipantViewSchema>;

export const DrillSandboxViewSchema = z.object({
  fleetId: z.string(),
  emergencyId: z.string().nullable(),
  /** PREPARING while the drill player imports the simulated fleet (right after the start). */
  status: z.enum(["PREPARING", "READY"]),
  /** Why the last preparation round failed; the player tries again. */
  prepareError: z.string().nullable(),
  /** How far the simulator has played the sandbox (simulated calendar). */
  simulatedUntil: TimestampSchema.nullable(),
  advertisementsPlayed: z.array(z.string()),
  latestCoveragePct: z.number().nullable(),
});

export const DrillDetailSchema = DrillSummarySchema.extend({
  record: DrillSchema,
  scenario: DrillScenarioViewSchema.nullable(),
  clock: DrillClockViewSchema.nullable(),
  injects: z.array(DrillInjectViewSchema),
  participants: z.array(DrillParticipantViewSchema),
  availableActions: z.array(
    z.object({ action: z.string(), label: z.string(), enabled: z.boolean(), reason: z.string().optional() }),
  ),
  warnings: z.array(z.string()),
  sandbox: DrillSandboxViewSchema.nullable(),
  /** The caller is the umpire or a participant and the drill is running or paused. */
  canJoin: z.boolean(),
  joined: z.boolean(),
  /** The caller runs this drill (its umpire, or an ERT lead or manager who does not take part): sees every inject. */
  isRunner: z.boolean(),
});
export type DrillDetail = z.infer<typeof DrillDetailSchema>;

/** POST /api/drills/:id/actions — the Drill machine's actions except the debrief (PUT …/debrief). */
export const DrillActionBodySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("updatePlan"), plan: DrillPlanSchema }),
  z.object({ type: z.literal("start") }),
  z.object({ type: z.literal("pause"), reason: z.string().trim().max(2000).optional() }),
  z.object({ type: z.literal("resume") }),
  z.object({ type: z.literal("fireInject"), injectId: z.string().min(1, "Choose the inject") }),
  z.object({ type: z.literal("end"), reason: z.string().trim().max(2000).optional() }),
  z.object({
    type: z.literal("signOff"),
    comment: z
      .string({ message: "Write a sign-off comment" })
      .trim()
      .min(3, "Write a sign-off comment")
      .max(4000, "Use at most 4,000 characters"),
  }),
  z.object({
    type: z.literal("cancel"),
    reason: z
      .string({ message: "Say why the drill is cancelled" })
      .trim()
      .min(5, "Say why the drill is cancelled")
      .max(2000),
  }),
]);
export type DrillActionBody = z.infer<typeof DrillActionBodySchema>;

/** PUT /api/drills/:id/debrief: findings and the actions with owners, editable until the sign-off. */
export const DrillDebriefBodySchema = z.object({
  summary: z.string().trim().max(8000, "Use at most 8,000 characters").default(""),
  findings: z.array(DrillFindingSchema).max(100, "Record at most 100 findings"),
});
export type DrillDebriefBody = z.infer<typeof DrillDebriefBodySchema>;
export type DrillDebriefInput = z.input<typeof DrillDebriefBodySchema>;

export const JoinDrillResultSchema = z.object({
  drillId: z.string(),
  title: z.string(),
  fleetId: z.string(),
  emergencyId: z.string().nullable(),
  joinedAt: TimestampSchema,
});
export type JoinDrillResult = z.infer<typeof JoinDrillResultSchema>;

export const DrillReportViewSchema = z.object({
  drillId: z.string(),
  version: z.number().int(),
  state: DrillStateSchema,
  /** Signed off: the stored report, never recomputed. */
  frozen: z.boolean(),
  signOff: DrillSignOffSchema.nullable(),
  report: DrillReportSchema,
  /** Display names of finding owners and the umpire. */
  people: z.record(z.string(), z.string()),
  /** The caller may sign off now (a manager who is not the umpire, drill ended). */
  canSignOff: z.boolean(),
  signOffBlockedReason: z.string().nullable(),
  canEditDebrief: z.boolean(),
});
export type DrillReportView = z.infer<typeof DrillReportViewSchema>;

export const DrillTrendsSchema = z.object({
  series: z.array(
    z.object({
      scenarioId: z.string(),
      scenarioName: z.string(),
      key: DrillMetricKeySchema,
      label: z.string(),
      unit: z.enum(METRIC_UNITS),
      clock: MetricClockSchema.nullable(),
      points: z.array(
        z.object({
          drillId: z.string(),
          title: z.string().nullable(),
          startedAt: TimestampSchema,
          value: z.number().nullable(),
          status: z.enum(["REACHED", "NOT_REACHED"]),
          met: z.boolean().nullable(),
          target: z.number().nullable(),
        }),
      ),
    }),
  ),
  drills: z.number().int(),
});
export type DrillTrends = z.infer<typeof DrillTrendsSchema>;

/** GET /api/drills/staff: people who can be umpire, participant or finding owner. */
export const DrillStaffListSchema = z.object({
  items: z.array(z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: RoleSchema })),
});
export type DrillStaffList = z.infer<typeof DrillStaffListSchema>;
export type ScenarioValidation = z.infer<typeof ScenarioValidationSchema>;
