import { z } from "zod";
import { VendorSeveritySchema, vendorSeverityLabels, type VendorSeverity } from "./updates.js";

/**
 * Release priorities — the organisation's decision — and their time frames (domain.md §4).
 * A vendor severity is an input to that decision, never the decision itself [F:S1].
 */

export const RELEASE_PRIORITIES = ["EMERGENCY", "HIGH", "MEDIUM", "LOW"] as const;
export const ReleasePrioritySchema = z.enum(RELEASE_PRIORITIES, {
  message: "Choose a release priority: Emergency, High, Medium or Low",
});
export type ReleasePriority = z.infer<typeof ReleasePrioritySchema>;

export const releasePriorityLabels: Record<ReleasePriority, string> = {
  EMERGENCY: "Emergency",
  HIGH: "High",
  MEDIUM: "Medium",
  LOW: "Low",
};

/** MOF 4.0 "Classify the change" wording with the book's time frames [F:S7][F:S3]. */
export const releasePriorityDescriptions: Record<ReleasePriority, string> = {
  EMERGENCY: "Release as soon as possible with shortened approval and testing: within 24 hours, at most two weeks.",
  HIGH: "Release as soon as it is built and tested: within one month, at most two months.",
  MEDIUM:
    "Cannot wait for the next scheduled release: a service pack or rollup within four months, the update itself within six.",
  LOW: "Can wait for the next scheduled release: a service pack or rollup within a year, possibly never deployed.",
};

/** 0 = most urgent. */
export const releasePriorityRank: Record<ReleasePriority, number> = { EMERGENCY: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

export const RELEASE_VEHICLES = ["INDIVIDUAL_UPDATE", "SP_OR_ROLLUP_IF_AVAILABLE"] as const;
export const ReleaseVehicleSchema = z.enum(RELEASE_VEHICLES);
export type ReleaseVehicle = z.infer<typeof ReleaseVehicleSchema>;
export const releaseVehicleLabels: Record<ReleaseVehicle, string> = {
  INDIVIDUAL_UPDATE: "The update itself",
  SP_OR_ROLLUP_IF_AVAILABLE: "A service pack or update rollup if one is available, else the update",
};

/** A policy covers at most this long a time frame (two years). */
export const MAX_POLICY_HOURS = 17_520;

const hours = (what: string) =>
  z
    .number({ message: `Enter the ${what} in hours` })
    .int(`The ${what} is a whole number of hours`)
    .positive(`The ${what} must be at least one hour`)
    .max(MAX_POLICY_HOURS, `The ${what} is at most ${MAX_POLICY_HOURS} hours (two years)`);

/**
 * One priority's time frame (domain.md §4.1): `targetHours` = "recommended time frame" (the SLA
 * target), `maxHours` = "minimum recommended time frame" (the longest acceptable delay).
 */
export const PriorityTimeFrameSchema = z
  .object({
    targetHours: hours("target"),
    maxHours: hours("maximum"),
    preferredVehicle: ReleaseVehicleSchema,
    requiresMandatoryAdvert: z.boolean(),
    requiresOnSlowNet: z.boolean(),
  })
  .refine((p) => p.targetHours <= p.maxHours, {
    path: ["targetHours"],
    message: "The target cannot be later than the maximum",
  });
export type PriorityTimeFrame = z.infer<typeof PriorityTimeFrameSchema>;

/** The editable policy: one time frame per priority, more urgent priorities never slower. */
export const PriorityPolicySchema = z
  .record(ReleasePrioritySchema, PriorityTimeFrameSchema)
  .superRefine((policy, ctx) => {
    for (let i = 1; i < RELEASE_PRIORITIES.length; i++) {
      const urgent = RELEASE_PRIORITIES[i - 1] as ReleasePriority;
      const p = RELEASE_PRIORITIES[i] as ReleasePriority;
      const a = policy[urgent];
      const b = policy[p];
      if (!a || !b) continue;
      if (a.targetHours > b.targetHours) {
        ctx.addIssue({
          code: "custom",
          path: [urgent, "targetHours"],
          message: `The ${releasePriorityLabels[urgent]} target cannot be longer than the ${releasePriorityLabels[p]} target`,
        });
      }
      if (a.maxHours > b.maxHours) {
        ctx.addIssue({
          code: "custom",
          path: [urgent, "maxHours"],
          message: `The ${releasePriorityLabels[urgent]} maximum cannot be longer than the ${releasePriorityLabels[p]} maximum`,
        });
      }
    }
  });
export type PriorityPolicy = z.infer<typeof PriorityPolicySchema>;

/** Table 2 of the book as hours, months at 30 days (domain.md §4.1). */
export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  EMERGENCY: {
    targetHours: 24,
    maxHours: 336,
    preferredVehicle: "INDIVIDUAL_UPDATE",
    requiresMandatoryAdvert: true,
    requiresOnSlowNet: true,
  },
  HIGH: {
    targetHours: 720,
    maxHours: 1440,
    preferredVehicle: "INDIVIDUAL_UPDATE",
    requiresMandatoryAdvert: false,
    requiresOnSlowNet: false,
  },
  MEDIUM: {
    targetHours: 2880,
    maxHours: 4320,
    preferredVehicle: "SP_OR_ROLLUP_IF_AVAILABLE",
    requiresMandatoryAdvert: false,
    requiresOnSlowNet: false,
  },
  LOW: {
    targetHours: 8760,
    maxHours: 8760,
    preferredVehicle: "SP_OR_ROLLUP_IF_AVAILABLE",
    requiresMandatoryAdvert: false,
    requiresOnSlowNet: false,
  },
};

/** Facts the suggestion reads (domain.md §4.4). */
export const PrioritySuggestionInputSchema = z.object({
  vendorSeverity: VendorSeveritySchema,
  exploitedInTheWild: z.boolean(),
  criticalAssetsExposed: z.boolean(),
  mitigationInPlace: z.boolean(),
});
export type PrioritySuggestionInput = z.infer<typeof PrioritySuggestionInputSchema>;

/** Which row of the §4.4 table matched; rows after the table's own are our gap-fills [P]. */
export const SUGGESTION_RULES = [
  "CRITICAL_EXPLOITED",
  "CRITICAL_EXPOSED_UNMITIGATED",
  "CRITICAL_NOT_EXPOSED_OR_MITIGATED",
  "IMPORTANT_EXPLOITED_EXPOSED_UNMITIGATED",
  "IMPORTANT_OTHER",
  "IMPORTANT_EXPLOITED_CONTAINED",
  "MODERATE",
  "LOW",
  "NOT_RATED",
] as const;
export type SuggestionRule = (typeof SUGGESTION_RULES)[number];

export interface PrioritySuggestion {
  suggested: ReleasePriority;
  /** Present when the table leaves the choice between priorities to a person. */
  alternatives?: ReleasePriority[];
  rule: SuggestionRule;
  /** Plain sentences for the console, the first one always saying a person decides. */
  reasons: string[];
}

const DECIDES = "This is a suggestion only: a named person confirms the release priority in Evaluate & Plan.";

/**
 * Suggested initial priority (domain.md §4.4). Never auto-applied. The table has no row for
 * Important + exploited but contained (not exposed or mitigated) and for unrated updates; we
 * suggest High (or Emergency) and Low (or Medium) there.
 */
export function suggestPriority(input: PrioritySuggestionInput): PrioritySuggestion {
  const {
    vendorSeverity: sev,
    exploitedInTheWild: exploited,
    criticalAssetsExposed: exposed,
    mitigationInPlace: mitigated,
  } = input;
  const reasons = [DECIDES];
  const severityInput = (s: VendorSeverity) => `Vendor severity: ${vendorSeverityLabels[s]}.`;
  const facts = [
    exploited ? "Exploitation in the wild is reported." : "No exploitation in the wild is reported.",
    exposed ? "Critical assets are exposed." : "No critical assets are exposed.",
    mitigated ? "A mitigation is in place." : "No mitigation is in place.",
  ];
  const result = (
    suggested: ReleasePriority,
    rule: SuggestionRule,
    why: string,
    alternatives?: ReleasePriority[],
  ): PrioritySuggestion => {
    const out: PrioritySuggestion = { suggested, rule, reasons: [...reasons, severityInput(sev), ...facts, why] };
    if (alternatives && alternatives.length > 0) out.alternatives = alternatives;
    return out;
  };

  switch (sev) {
    case "CRITICAL":
      reasons.push(
        "A vendor Critical rating never makes a release an Emergency by itself; our own exposure decides (domain.md §3.2).",
      );
      if (exploited)
        return result(
          "EMERGENCY",
          "CRITICAL_EXPLOITED",
          "Critical and exploited in the wild: treat it as an Emergency.",
        );
      if (exposed && !mitigated) {
        return result(
          "EMERGENCY",
          "CRITICAL_EXPOSED_UNMITIGATED",
          "Critical, critical assets exposed and no mitigation: choose between Emergency and High.",
          ["HIGH"],
        );
      }
      return result(
        "HIGH",
        "CRITICAL_NOT_EXPOSED_OR_MITIGATED",
        "Critical, but no critical asset is exposed or a mitigation is in place: High.",
      );
    case "IMPORTANT":
      if (exploited && exposed && !mitigated) {
        return result(
          "EMERGENCY",
          "IMPORTANT_EXPLOITED_EXPOSED_UNMITIGATED",
          "Important, exploited in the wild, critical assets exposed and no mitigation: an Emergency.",
        );
      }
      if (exploited) {
        return result(
          "HIGH",
          "IMPORTANT_EXPLOITED_CONTAINED",
          "Important and exploited in the wild, but no critical asset is exposed or a mitigation is in place: High, or Emergency if the mitigation is doubtful.",
          ["EMERGENCY"],
        );
      }
      return result(
        "HIGH",
        "IMPORTANT_OTHER",
        "Important and not exploited in the wild: choose between High and Medium.",
        ["MEDIUM"],
      );
    case "MODERATE":
      return result(
        "MEDIUM",
        "MODERATE",
        exploited
          ? "Moderate: Medium. Exploitation is reported, so consider whether a worm-outbreak emergency should be declared."
          : "Moderate: Medium.",
      );
    case "LOW":
      return result("LOW", "LOW", "Low: Low.");
    case "NONE":
      return result(
        "LOW",
        "NOT_RATED",
        "No security rating (for example a Critical Update, which is a non-security fix): the priority depends on the business impact of the bug it fixes.",
        ["MEDIUM"],
      );
  }
}
