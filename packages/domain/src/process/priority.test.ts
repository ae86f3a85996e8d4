import { describe, expect, it } from "vitest";
import {
  DEFAULT_PRIORITY_POLICY,
  PriorityPolicySchema,
  PriorityTimeFrameSchema,
  releasePriorityLabels,
  suggestPriority,
  type PrioritySuggestionInput,
} from "./priority.js";

const input = (over: Partial<PrioritySuggestionInput>): PrioritySuggestionInput => ({
  vendorSeverity: "CRITICAL",
  exploitedInTheWild: false,
  criticalAssetsExposed: false,
  mitigationInPlace: false,
  ...over,
});

describe("priority policy", () => {
  it("the default policy is valid and labelled", () => {
    expect(PriorityPolicySchema.safeParse(DEFAULT_PRIORITY_POLICY).success).toBe(true);
    expect(releasePriorityLabels.EMERGENCY).toBe("Emergency");
  });

  it("target ≤ max, whole positive hours", () => {
    const frame = DEFAULT_PRIORITY_POLICY.HIGH;
    expect(PriorityTimeFrameSchema.safeParse({ ...frame, targetHours: 1500 }).error?.issues[0]?.message).toBe(
      "The target cannot be later than the maximum",
    );
    expect(PriorityTimeFrameSchema.safeParse({ ...frame, targetHours: 0 }).error?.issues[0]?.message).toBe(
      "The target must be at least one hour",
    );
    expect(PriorityTimeFrameSchema.safeParse({ ...frame, maxHours: -5 }).error?.issues[0]?.message).toBe(
      "The maximum must be at least one hour",
    );
    expect(PriorityTimeFrameSchema.safeParse({ ...frame, targetHours: 1.5 }).error?.issues[0]?.message).toBe(
      "The target is a whole number of hours",
    );
    expect(PriorityTimeFrameSchema.safeParse({ ...frame, targetHours: 24, maxHours: 24 }).success).toBe(true);
  });

  it("every priority is present and a more urgent priority is never slower", () => {
    const { LOW: _low, ...missing } = DEFAULT_PRIORITY_POLICY;
    expect(PriorityPolicySchema.safeParse(missing).success).toBe(false);
    const slowEmergency = {
      ...DEFAULT_PRIORITY_POLICY,
      EMERGENCY: { ...DEFAULT_PRIORITY_POLICY.EMERGENCY, targetHours: 1000, maxHours: 1000 },
    };
    const issues = PriorityPolicySchema.safeParse(slowEmergency).error?.issues ?? [];
    expect(issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["EMERGENCY.targetHours", "The Emergency target cannot be longer than the High target"],
    ]);
  });
});

describe("suggestPriority (domain.md §4.4)", () => {
  const rows: [string, Partial<PrioritySuggestionInput>, string, string[] | undefined][] = [
    ["Critical, exploited", { exploitedInTheWild: true }, "EMERGENCY", undefined],
    [
      "Critical, exploited, mitigated, not exposed",
      { exploitedInTheWild: true, mitigationInPlace: true },
      "EMERGENCY",
      undefined,
    ],
    ["Critical, not exploited, exposed, unmitigated", { criticalAssetsExposed: true }, "EMERGENCY", ["HIGH"]],
    ["Critical, not exploited, not exposed", {}, "HIGH", undefined],
    [
      "Critical, not exploited, exposed but mitigated",
      { criticalAssetsExposed: true, mitigationInPlace: true },
      "HIGH",
      undefined,
    ],
    [
      "Important, exploited, exposed, unmitigated",
      { vendorSeverity: "IMPORTANT", exploitedInTheWild: true, criticalAssetsExposed: true },
      "EMERGENCY",
      undefined,
    ],
    ["Important, not exploited", { vendorSeverity: "IMPORTANT", criticalAssetsExposed: true }, "HIGH", ["MEDIUM"]],
    [
      "Important, exploited but mitigated (gap-fill)",
      { vendorSeverity: "IMPORTANT", exploitedInTheWild: true, criticalAssetsExposed: true, mitigationInPlace: true },
      "HIGH",
      ["EMERGENCY"],
    ],
    [
      "Moderate, anything",
      { vendorSeverity: "MODERATE", exploitedInTheWild: true, criticalAssetsExposed: true },
      "MEDIUM",
      undefined,
    ],
    ["Low, anything", { vendorSeverity: "LOW", criticalAssetsExposed: true }, "LOW", undefined],
    ["Not rated (gap-fill)", { vendorSeverity: "NONE" }, "LOW", ["MEDIUM"]],
  ];
  it.each(rows)("%s", (_name, over, suggested, alternatives) => {
    const s = suggestPriority(input(over));
    expect(s.suggested).toBe(suggested);
    expect(s.alternatives).toEqual(alternatives);
    expect(s.reasons[0]).toBe(
      "This is a suggestion only: a named person confirms the release priority in Evaluate & Plan.",
    );
  });

  it("says that a vendor Critical rating never sets the priority by itself", () => {
    for (const over of [{}, { exploitedInTheWild: true }, { criticalAssetsExposed: true }]) {
      expect(suggestPriority(input(over)).reasons).toContain(
        "A vendor Critical rating never makes a release an Emergency by itself; our own exposure decides (domain.md §3.2).",
      );
    }
    expect(suggestPriority(input({ vendorSeverity: "IMPORTANT" })).reasons.join(" ")).not.toMatch(/Critical rating/);
  });

  it("names the matched rule and lists the facts it used", () => {
    const s = suggestPriority(input({ vendorSeverity: "MODERATE", exploitedInTheWild: true }));
    expect(s.rule).toBe("MODERATE");
    expect(s.reasons).toContain("Exploitation in the wild is reported.");
    expect(s.reasons.at(-1)).toMatch(/consider whether a worm-outbreak emergency should be declared/);
  });
});
