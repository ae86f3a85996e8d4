import { z } from "zod";
import type { DrillDeviation } from "./deviations.js";
import type { DrillMetric } from "./drill-metrics.js";
import { DrillMetricKeySchema, type DrillMetricKey } from "./metric-definitions.js";

/**
 * The report's summary verdict.
 *  - FAIL: a MAJOR process deviation, or a decisive metric (95 % coverage, halt, rollback ready)
 *    that missed its target;
 *  - PASS_WITH_FINDINGS: any other missed or unreached target, a decisive metric not shown within
 *    the drill, or MINOR deviations;
 *  - PASS: every applicable target met and no deviation.
 */

export const DRILL_VERDICTS = ["PASS", "PASS_WITH_FINDINGS", "FAIL"] as const;
export const DrillVerdictKindSchema = z.enum(DRILL_VERDICTS);
export type DrillVerdictKind = z.infer<typeof DrillVerdictKindSchema>;

export const drillVerdictLabels: Record<DrillVerdictKind, string> = {
  PASS: "Pass",
  PASS_WITH_FINDINGS: "Pass with findings",
  FAIL: "Fail",
};

export const DrillVerdictSchema = z.object({
  verdict: DrillVerdictKindSchema,
  sentence: z.string(),
  /** Metrics whose target was missed (met = false). */
  missed: z.array(DrillMetricKeySchema),
  /** Applicable metrics whose stop never happened. */
  notReached: z.array(DrillMetricKeySchema),
});
export type DrillVerdict = z.infer<typeof DrillVerdictSchema>;

const list = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

export function drillVerdict(metrics: readonly DrillMetric[], deviations: readonly DrillDeviation[]): DrillVerdict {
  // processDeviations mirrors `deviations`; judge those directly.
  const scored = metrics.filter((m) => m.status !== "NOT_APPLICABLE" && m.key !== "processDeviations");
  const missed = scored.filter((m) => m.met === false);
  const notReached = scored.filter((m) => m.status === "NOT_REACHED");
  const major = deviations.filter((d) => d.severity === "MAJOR");
  const minor = deviations.filter((d) => d.severity === "MINOR");
  const decisiveMissed = missed.filter((m) => m.decisive);
  const keys = (ms: DrillMetric[]): DrillMetricKey[] => ms.map((m) => m.key);
  // Lower-case only the first letter: labels carry acronyms (ERT, DP).
  const lowerFirst = (t: string) => t.charAt(0).toLowerCase() + t.slice(1);
  const label = (m: DrillMetric) => lowerFirst(m.label.replace(/^Time to /, ""));

  const parts: string[] = [];
  if (major.length > 0)
    parts.push(
      `${major.length} major process ${major.length === 1 ? "deviation" : "deviations"} (${list(major.map((d) => lowerFirst(d.title)))})`,
    );
  if (missed.length > 0) parts.push(`missed the target for ${list(missed.map(label))}`);
  const unreachedOnly = notReached.filter((m) => m.met !== false);
  if (unreachedOnly.length > 0) parts.push(`did not reach ${list(unreachedOnly.map(label))}`);
  if (minor.length > 0) parts.push(`${minor.length} minor ${minor.length === 1 ? "deviation" : "deviations"}`);

  let verdict: DrillVerdictKind;
  if (major.length > 0 || decisiveMissed.length > 0) verdict = "FAIL";
  else if (parts.length > 0) verdict = "PASS_WITH_FINDINGS";
  else verdict = "PASS";

  const sentence =
    verdict === "PASS"
      ? `${drillVerdictLabels.PASS}: every applicable target was met and the process was followed.`
      : `${drillVerdictLabels[verdict]}: ${list(parts)}.`;
  return { verdict, sentence, missed: keys(missed), notReached: keys(notReached) };
}
