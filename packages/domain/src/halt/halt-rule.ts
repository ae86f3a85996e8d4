import { z } from "zod";

/**
 * Automatic halt rule of one advertisement (product.md C8; domain.md §3.4 R1, §8.3 W9).
 *
 * The rule watches the clients that finished the program: `failed` = their last program result is
 * a failure (10006 / 10007), `finished` = succeeded (10008 / 10009) + failed. It fires when, in a
 * scope it watches (each site and/or all sites together), at least `minSample` clients finished
 * and the failures reach a threshold: `failureCount` failures, or `failurePct` % of the finished
 * ones. Either threshold reached is enough. A rule fires once; re-arming it is an explicit act.
 */

export const HALT_RULE_MAX_COUNT = 1_000_000;

const count = (what: string) =>
  z
    .number({ message: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .max(HALT_RULE_MAX_COUNT, `${what} is at most ${HALT_RULE_MAX_COUNT.toLocaleString("en-GB")}`);

/** The rule's fields without the cross-field checks (for building other schemas from). */
export const HaltRuleFieldsSchema = z.object({
  failureCount: count("The failure count")
    .min(1, "The failure count is at least 1")
    .nullable()
    .default(null)
    .describe("fire when at least this many clients failed in a scope"),
  failurePct: z
    .number({ message: "The failure percentage must be a number" })
    .gt(0, "The failure percentage must be more than 0 %")
    .max(100, "The failure percentage is at most 100 %")
    .nullable()
    .default(null)
    .describe("fire when at least this share (percent) of the finished clients failed in a scope"),
  minSample: count("The minimum sample")
    .min(1, "The minimum sample is at least 1 finished client")
    .describe("finished clients (succeeded + failed) a scope needs before the rule can fire there"),
  perSite: z.boolean().describe("evaluate each site on its own"),
  overall: z.boolean().describe("evaluate all sites together"),
  alsoDisableAdvertisement: z
    .boolean()
    .default(false)
    .describe("when it fires, disable the advertisement as well as the program"),
});

type HaltRuleFields = z.output<typeof HaltRuleFieldsSchema>;

/** The cross-field checks of a halt rule, with messages a person can act on. */
export function checkHaltRule(rule: Partial<HaltRuleFields>, ctx: z.RefinementCtx): void {
  if ((rule.failureCount ?? null) === null && (rule.failurePct ?? null) === null) {
    ctx.addIssue({
      code: "custom",
      path: ["failureCount"],
      message: "Set a failure count, a failure percentage or both: the rule needs at least one threshold.",
    });
  }
  if (!rule.perSite && !rule.overall) {
    ctx.addIssue({
      code: "custom",
      path: ["perSite"],
      message: "Choose where the rule looks: per site, overall, or both.",
    });
  }
}

export const HaltRuleSchema = HaltRuleFieldsSchema.superRefine(checkHaltRule).meta({ id: "HaltRuleSettings" });
export type HaltRule = z.output<typeof HaltRuleSchema>;
export type HaltRuleInput = z.input<typeof HaltRuleSchema>;

// ── tallies and evaluation ----------------------------------------------------------------------

export interface HaltTally {
  /** Clients whose last program result is success or failure. */
  finished: number;
  /** Clients whose last program result is a failure (10006 / 10007). */
  failed: number;
}

export interface HaltTallies {
  advertisementId: string;
  overall: HaltTally;
  bySite: readonly (HaltTally & { siteCode: string })[];
}

export const HaltScopeSchema = z.enum(["SITE", "OVERALL"]);
export type HaltScope = z.infer<typeof HaltScopeSchema>;
export const HaltThresholdSchema = z.enum(["COUNT", "PCT"]);
export type HaltThreshold = z.infer<typeof HaltThresholdSchema>;

const nat = z.number().int().min(0);

/** One scope as the rule saw it. */
export const HaltScopeCheckSchema = z.object({
  scope: HaltScopeSchema,
  /** null for OVERALL. */
  siteCode: z.string().nullable(),
  finished: nat,
  failed: nat,
  failurePct: z.number().min(0).max(100).describe("failed / finished, two decimals"),
  sampleMet: z.boolean(),
  /** Thresholds reached (whatever the sample). */
  reached: z.array(HaltThresholdSchema),
  fires: z.boolean(),
});
export type HaltScopeCheck = z.infer<typeof HaltScopeCheckSchema>;

/** What a rule saw when it fired, with the sentence the audit log and the war room show. */
export const HaltFiringSchema = HaltScopeCheckSchema.extend({
  advertisementId: z.string(),
  minSample: nat,
  failureCount: nat.nullable(),
  failurePctThreshold: z.number().nullable(),
  sentence: z.string().max(200),
}).meta({ id: "HaltFiring" });
export type HaltFiring = z.infer<typeof HaltFiringSchema>;

export type HaltRuleEvaluation =
  { fires: false; checks: HaltScopeCheck[] } | { fires: true; firing: HaltFiring; checks: HaltScopeCheck[] };

const pct2 = (failed: number, finished: number) =>
  finished === 0 ? 0 : Math.round((failed / finished) * 10_000) / 100;

/** "40 %", "33.3 %": one decimal at most, the way the console writes shares. */
export const formatHaltPct = (pct: number): string => `${Number((Math.round(pct * 10) / 10).toFixed(1))} %`;

function checkScope(rule: HaltRule, scope: HaltScope, siteCode: string | null, t: HaltTally): HaltScopeCheck {
  const finished = Math.max(0, Math.floor(t.finished));
  const failed = Math.min(finished, Math.max(0, Math.floor(t.failed)));
  const reached: HaltThreshold[] = [];
  // Compare in integers where possible: failed / finished ≥ pct / 100 ⇔ 100·failed ≥ pct·finished.
  if (rule.failurePct !== null && finished > 0 && failed * 100 >= rule.failurePct * finished) reached.push("PCT");
  if (rule.failureCount !== null && failed >= rule.failureCount) reached.push("COUNT");
  const sampleMet = finished >= rule.minSample;
  return {
    scope,
    siteCode,
    finished,
    failed,
    failurePct: pct2(failed, finished),
    sampleMet,
    reached,
    fires: sampleMet && reached.length > 0,
  };
}

/** The sentence naming the rule and what it saw, e.g. for the audit log and the war room. */
export function haltRuleSentence(rule: HaltRule, advertisementId: string, check: HaltScopeCheck): string {
  const where = check.scope === "OVERALL" ? "across all sites" : `at site ${check.siteCode}`;
  const met: string[] = [];
  if (check.reached.includes("PCT") && rule.failurePct !== null)
    met.push(`${formatHaltPct(check.failurePct)} ≥ ${formatHaltPct(rule.failurePct)}`);
  if (check.reached.includes("COUNT") && rule.failureCount !== null)
    met.push(`${check.failed} ≥ ${rule.failureCount} failure${rule.failureCount === 1 ? "" : "s"}`);
  const sentence =
    `Halt rule of ${advertisementId}: ${check.failed} of ${check.finished} installs failed ${where} ` +
    `(${met.join(" and ")}, sample ≥ ${rule.minSample})`;
  return sentence.length <= 200 ? sentence : `${sentence.slice(0, 199)}…`;
}

/**
 * Evaluates a rule against the tallies of its advertisement. Every watched scope is checked (the
 * console shows what the rule sees now); when several fire, the one reported is the overall scope,
 * else the worst site (highest failure share, then most failures, then site code).
 */
export function evaluateHaltRule(rule: HaltRule, tallies: HaltTallies): HaltRuleEvaluation {
  const checks: HaltScopeCheck[] = [];
  if (rule.overall) checks.push(checkScope(rule, "OVERALL", null, tallies.overall));
  if (rule.perSite) {
    const sites = [...tallies.bySite]
      .map((s) => checkScope(rule, "SITE", s.siteCode, s))
      .sort(
        (a, b) =>
          Number(b.fires) - Number(a.fires) ||
          b.failurePct - a.failurePct ||
          b.failed - a.failed ||
          (a.siteCode ?? "").localeCompare(b.siteCode ?? ""),
      );
    checks.push(...sites);
  }
  const hit = checks.find((c) => c.fires);
  if (!hit) return { fires: false, checks };
  return {
    fires: true,
    checks,
    firing: {
      ...hit,
      advertisementId: tallies.advertisementId,
      minSample: rule.minSample,
      failureCount: rule.failureCount,
      failurePctThreshold: rule.failurePct,
      sentence: haltRuleSentence(rule, tallies.advertisementId, hit),
    },
  };
}

/** The rule in words for the console ("≥ 25 % or ≥ 10 failures, per site and overall, after 20 finished"). */
export function describeHaltRule(rule: HaltRule): string {
  const thresholds = [
    rule.failurePct !== null ? `${formatHaltPct(rule.failurePct)} of installs fail` : null,
    rule.failureCount !== null ? `${rule.failureCount} install${rule.failureCount === 1 ? "" : "s"} fail` : null,
  ].filter((s): s is string => s !== null);
  const where = rule.perSite && rule.overall ? "at any site or overall" : rule.perSite ? "at any site" : "overall";
  const then = rule.alsoDisableAdvertisement ? "the program and the advertisement" : "the program";
  return `Halts when ${thresholds.join(" or ")} ${where}, once at least ${rule.minSample} finished there; disables ${then}.`;
}
