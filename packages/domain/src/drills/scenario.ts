import { z } from "zod";
import { ReleasePrioritySchema } from "../process/priority.js";
import { EmergencyTypeSchema } from "../process/emergency.js";
import { BulletinIdSchema, KbNumberSchema, VendorSeveritySchema } from "../process/updates.js";
import { SiteCodeSchema } from "../sms/schemas.js";
import { DRILL_METRIC_DEFINITIONS, DrillMetricKeySchema } from "./metric-definitions.js";

/**
 * Drill scenarios (domain.md §7; product.md C10): a scripted set of injects with times, written
 * as data so a new scenario needs no code. The API plays them against a sandbox fleet from the
 * simulator; `computeDrillMetrics` scores the drill on the scenario's `metrics`.
 */

export const DRILL_SCENARIO_KINDS = [
  "EMERGENCY_RELEASE",
  "WORM_OUTBREAK",
  "BAD_UPDATE_ROLLBACK",
  "INFRA_OUTAGE_DURING_RELEASE",
] as const;
export const DrillScenarioKindSchema = z.enum(DRILL_SCENARIO_KINDS, { message: "Choose the kind of scenario" });
export type DrillScenarioKind = z.infer<typeof DrillScenarioKindSchema>;

export const drillScenarioKindLabels: Record<DrillScenarioKind, string> = {
  EMERGENCY_RELEASE: "Emergency release",
  WORM_OUTBREAK: "Worm outbreak",
  BAD_UPDATE_ROLLBACK: "Bad-update rollback",
  INFRA_OUTAGE_DURING_RELEASE: "Infrastructure outage during a release",
};

/** domain.md §7 drill types. */
export const DRILL_MODES = ["TABLETOP", "SIMULATED", "LIVE_LAB"] as const;
export const DrillModeSchema = z.enum(DRILL_MODES, { message: "Choose the drill type" });
export type DrillMode = z.infer<typeof DrillModeSchema>;

export const drillModeLabels: Record<DrillMode, string> = {
  TABLETOP: "Tabletop (no SMS actions, timings only)",
  SIMULATED: "Simulated (the console drives a simulated fleet)",
  LIVE_LAB: "Live lab (a test hierarchy)",
};

/**
 * A sandbox is played in process by the API, so its size is capped: the enterprise preset
 * (about 100,000 computers) would tie up an API instance for the whole drill.
 */
export const SANDBOX_MAX_COMPUTERS = 5_000;

/**
 * Where the scenario's release case stands when the drill starts (created in the sandbox and
 * linked to the drill's emergency): NONE = the team opens it when it triages; DETECTED = the
 * bulletin has just arrived (Identify); DEPLOYING = the release is already deploying (the fleet's
 * `activeRelease`), e.g. a bad update found mid-deployment.
 */
export const RELEASE_CASE_STARTS = ["NONE", "DETECTED", "DEPLOYING"] as const;
export const ReleaseCaseStartSchema = z.enum(RELEASE_CASE_STARTS, {
  message: "Choose where the release case starts: NONE, DETECTED or DEPLOYING",
});
export type ReleaseCaseStart = z.infer<typeof ReleaseCaseStartSchema>;

/** Mirrors the simulator's PRESETS (the domain may not import the simulator). */
export const SANDBOX_FLEET_PRESETS = ["demo", "enterprise"] as const;
export const SandboxFleetPresetSchema = z.enum(SANDBOX_FLEET_PRESETS, {
  message: "Choose a fleet preset: demo or enterprise",
});
export type SandboxFleetPreset = z.infer<typeof SandboxFleetPresetSchema>;

export const INJECT_KINDS = [
  "NEW_BULLETIN",
  "EXPLOITATION_REPORTED",
  "DP_DOWN",
  "DP_RESTORED",
  "LINK_DOWN",
  "LINK_RESTORED",
  "INSTALLS_FAILING",
  "STAFF_UNAVAILABLE",
  "NOTE",
] as const;
export const InjectKindSchema = z.enum(INJECT_KINDS, { message: "Choose a known inject kind" });
export type InjectKind = z.infer<typeof InjectKindSchema>;

export const injectKindLabels: Record<InjectKind, string> = {
  NEW_BULLETIN: "A new bulletin arrives",
  EXPLOITATION_REPORTED: "Exploitation is reported",
  DP_DOWN: "A distribution point goes down",
  DP_RESTORED: "A distribution point is back",
  LINK_DOWN: "A link between sites goes down",
  LINK_RESTORED: "A link between sites is back",
  INSTALLS_FAILING: "Installs start failing",
  STAFF_UNAVAILABLE: "A responder is unavailable",
  NOTE: "Message to the team",
};

/** Seats in the response a participant plays (the ERT quorum of §7 is lead + SMS admin + security). */
export const DRILL_ROLES = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN", "SECURITY", "OBSERVER"] as const;
export const DrillRoleSchema = z.enum(DRILL_ROLES, { message: "Choose the participant's drill role" });
export type DrillRole = z.infer<typeof DrillRoleSchema>;

export const drillRoleLabels: Record<DrillRole, string> = {
  ERT_LEAD: "ERT lead",
  ERT_MEMBER: "ERT member / patch team",
  SMS_ADMIN: "SMS administrator",
  SECURITY: "Security",
  OBSERVER: "Observer",
};

export const ERT_QUORUM_ROLES: readonly DrillRole[] = ["ERT_LEAD", "SMS_ADMIN", "SECURITY"];

const slug = (what: string) =>
  z
    .string({ message: `Enter the ${what}` })
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, `The ${what} uses lower-case letters, digits and hyphens, e.g. dp-down-bos`);

const text = (what: string, max: number) =>
  z
    .string({ message: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .max(max, `The ${what} is at most ${max} characters`);

const siteLink = z
  .object({ siteCode: SiteCodeSchema, destSiteCode: SiteCodeSchema })
  .refine((p) => p.siteCode !== p.destSiteCode, {
    path: ["destSiteCode"],
    message: "A link joins two different sites",
  });

/** Parameters each inject kind needs: the simulator acts on them (DP_DOWN, LINK_DOWN, INSTALLS_FAILING). */
export const injectParameterSchemas = {
  NEW_BULLETIN: z.object({
    bulletinId: BulletinIdSchema,
    updateId: KbNumberSchema,
    vendorSeverity: VendorSeveritySchema.optional(),
  }),
  EXPLOITATION_REPORTED: z.object({
    threat: text("threat (worm or exploit name)", 100),
    siteCodes: z.array(SiteCodeSchema).optional(),
  }),
  DP_DOWN: z.object({ siteCode: SiteCodeSchema, serverName: z.string().trim().min(1).max(64).optional() }),
  DP_RESTORED: z.object({ siteCode: SiteCodeSchema, serverName: z.string().trim().min(1).max(64).optional() }),
  LINK_DOWN: siteLink,
  LINK_RESTORED: siteLink,
  INSTALLS_FAILING: z.object({
    failureRate: z
      .number({ message: "Enter the failure rate as a fraction, e.g. 0.3" })
      .gt(0, "The failure rate is above 0")
      .max(1, "The failure rate is at most 1 (every install fails)"),
    exitCode: z.number().int().optional(),
    siteCode: SiteCodeSchema.optional(),
  }),
  STAFF_UNAVAILABLE: z.object({
    drillRole: DrillRoleSchema,
    untilMinute: z.number().int().nonnegative().optional(),
  }),
  NOTE: z.object({}),
} as const satisfies Record<InjectKind, z.ZodType>;

const injectBase = {
  id: slug("inject id"),
  atMinute: z
    .number({ message: "Enter the inject time in drill minutes from the start" })
    .int("The inject time is a whole number of minutes")
    .nonnegative("The inject time is 0 or later"),
  title: text("inject title", 120),
  /** What the team is told when it fires. */
  detail: text("inject text for the team", 2000),
};

const injectOf = <K extends InjectKind>(kind: K) =>
  z.object({ ...injectBase, kind: z.literal(kind), parameters: injectParameterSchemas[kind] });

export const DrillInjectSchema = z.discriminatedUnion(
  "kind",
  [
    injectOf("NEW_BULLETIN"),
    injectOf("EXPLOITATION_REPORTED"),
    injectOf("DP_DOWN"),
    injectOf("DP_RESTORED"),
    injectOf("LINK_DOWN"),
    injectOf("LINK_RESTORED"),
    injectOf("INSTALLS_FAILING"),
    injectOf("STAFF_UNAVAILABLE"),
    // A note needs no parameters; `{}` may be left out.
    z.object({ ...injectBase, kind: z.literal("NOTE"), parameters: injectParameterSchemas.NOTE.default({}) }),
  ],
  {
    error: (iss) =>
      iss.code === "invalid_union" ? `Choose a known inject kind: ${INJECT_KINDS.join(", ")}` : undefined,
  },
);
export type DrillInject = z.infer<typeof DrillInjectSchema>;
export type DrillInjectInput = z.input<typeof DrillInjectSchema>;

export const DrillScenarioSchema = z
  .object({
    id: slug("scenario id"),
    name: text("scenario name", 120),
    description: text("scenario description", 4000),
    kind: DrillScenarioKindSchema,
    mode: DrillModeSchema.default("SIMULATED"),
    /** The drill-flagged emergency the drill opens. */
    emergencyType: EmergencyTypeSchema,
    /** The sandbox fleet: a simulator preset and seed, so every run of the scenario meets the same fleet. */
    fleet: z.object({
      preset: SandboxFleetPresetSchema,
      seed: z.number().int("The seed is a whole number").nonnegative("The seed is 0 or more"),
      computers: z
        .number({ message: "Enter the number of computers" })
        .int("The number of computers is a whole number")
        .positive("A sandbox has at least one computer")
        .max(
          SANDBOX_MAX_COMPUTERS,
          `A drill sandbox has at most ${SANDBOX_MAX_COMPUTERS.toLocaleString("en-GB")} computers`,
        )
        .optional(),
      /** A release already advertised when the drill starts (rollback scenarios start mid-deployment). */
      activeRelease: z.boolean().default(false),
      /** The release case at the start; defaults to DEPLOYING with an active release, else NONE. */
      releaseCase: ReleaseCaseStartSchema.optional(),
    }),
    /** The bulletin / update the scenario is about. */
    subject: z.object({
      bulletinId: BulletinIdSchema,
      updateId: KbNumberSchema,
      title: text("update title", 200),
      vendorSeverity: VendorSeveritySchema,
      worm: z.string().trim().min(1).max(60).nullable().default(null),
    }),
    /** The release priority the scenario calls for; the coverage target comes from its policy time frame. */
    expectedPriority: ReleasePrioritySchema.default("EMERGENCY"),
    /** Simulated hours per real hour, e.g. 24: a 24-hour rollout in a one-hour drill. */
    timeScale: z
      .number({ message: "Enter the time scale (simulated hours per real hour)" })
      .min(1, "The time scale is at least 1 (real time)")
      .max(240, "The time scale is at most 240"),
    durationMinutes: z
      .number({ message: "Enter the planned length in minutes" })
      .int("The planned length is a whole number of minutes")
      .min(10, "A drill lasts at least 10 minutes")
      .max(480, "A drill lasts at most 8 hours"),
    /** The metrics the drill is scored on; the others show as not applicable. */
    metrics: z.array(DrillMetricKeySchema).min(1, "Choose at least one metric"),
    injects: z.array(DrillInjectSchema).min(1, "A scenario needs at least one inject"),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.injects.forEach((inj, i) => {
      const first = seen.get(inj.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["injects", i, "id"],
          message: `Inject id "${inj.id}" is used twice (injects ${first + 1} and ${i + 1}); give each inject its own id`,
        });
      } else seen.set(inj.id, i);
      if (inj.atMinute > s.durationMinutes) {
        ctx.addIssue({
          code: "custom",
          path: ["injects", i, "atMinute"],
          message: `Inject "${inj.id}" is at minute ${inj.atMinute}, after the end of the ${s.durationMinutes}-minute drill`,
        });
      }
    });
    if (s.fleet.preset === "enterprise") {
      ctx.addIssue({
        code: "custom",
        path: ["fleet", "preset"],
        message: `The enterprise preset (about 100,000 computers) is too large for a drill sandbox: use "demo", with at most ${SANDBOX_MAX_COMPUTERS.toLocaleString("en-GB")} computers`,
      });
    }
    if (s.fleet.releaseCase === "DEPLOYING" && !s.fleet.activeRelease) {
      ctx.addIssue({
        code: "custom",
        path: ["fleet", "releaseCase"],
        message:
          "A release case that starts DEPLOYING needs the release advertised at the start: set fleet.activeRelease",
      });
    }
    const metricSeen = new Set<string>();
    s.metrics.forEach((m, i) => {
      if (metricSeen.has(m))
        ctx.addIssue({ code: "custom", path: ["metrics", i], message: `Metric ${m} is listed twice` });
      metricSeen.add(m);
    });
    // tHalt starts when installs start failing: without that inject it could never start.
    if (s.metrics.includes("tHalt") && !s.injects.some((i) => i.kind === "INSTALLS_FAILING")) {
      ctx.addIssue({
        code: "custom",
        path: ["metrics"],
        message: `${DRILL_METRIC_DEFINITIONS.tHalt.label} starts when installs start failing: add an INSTALLS_FAILING inject or drop the metric`,
      });
    }
  })
  // Injects in time order (stable for equal minutes), so authors may write them in any order.
  .transform((s) => ({
    ...s,
    fleet: {
      ...s.fleet,
      releaseCase: s.fleet.releaseCase ?? (s.fleet.activeRelease ? ("DEPLOYING" as const) : ("NONE" as const)),
    },
    injects: [...s.injects].sort((a, b) => a.atMinute - b.atMinute),
  }));
export type DrillScenario = z.infer<typeof DrillScenarioSchema>;
export type DrillScenarioInput = z.input<typeof DrillScenarioSchema>;

/** A scenario's messages as `{ path, message }`, the shape of the API's 400 details. */
export function scenarioProblems(input: unknown): { path: string; message: string }[] {
  const r = DrillScenarioSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** Validates a scenario or throws one error listing every problem. */
export function parseDrillScenario(input: unknown): DrillScenario {
  const r = DrillScenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const id = typeof input === "object" && input && "id" in input ? String((input as { id: unknown }).id) : "?";
  throw new Error(
    `Scenario ${id} is not valid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}
