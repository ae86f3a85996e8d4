import { describe, expect, it } from "vitest";
import {
  HaltRuleSchema,
  describeHaltRule,
  evaluateHaltRule,
  formatHaltPct,
  type HaltRule,
  type HaltRuleInput,
  type HaltTallies,
} from "./halt-rule.js";
import { PutHaltRuleBodySchema } from "./halt-api.schemas.js";

const rule = (o: Partial<HaltRuleInput> = {}): HaltRule =>
  HaltRuleSchema.parse({ failurePct: 25, minSample: 20, perSite: true, overall: true, ...o });

const tallies = (
  overall: [finished: number, failed: number],
  sites: Record<string, [finished: number, failed: number]> = {},
): HaltTallies => ({
  advertisementId: "ADV00042",
  overall: { finished: overall[0], failed: overall[1] },
  bySite: Object.entries(sites).map(([siteCode, [finished, failed]]) => ({ siteCode, finished, failed })),
});

const messages = (input: unknown) => {
  const r = PutHaltRuleBodySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("halt rule validation", () => {
  it("accepts a percentage rule with defaults filled in", () => {
    expect(rule()).toEqual({
      failureCount: null,
      failurePct: 25,
      minSample: 20,
      perSite: true,
      overall: true,
      alsoDisableAdvertisement: false,
    });
  });

  it("needs at least one threshold and says so on the count field", () => {
    expect(messages({ minSample: 20, perSite: true, overall: false })).toEqual([
      "failureCount: Set a failure count, a failure percentage or both: the rule needs at least one threshold.",
    ]);
  });

  it("needs at least one scope", () => {
    expect(messages({ failureCount: 5, minSample: 20, perSite: false, overall: false })).toEqual([
      "perSite: Choose where the rule looks: per site, overall, or both.",
    ]);
  });

  it("keeps the percentage in (0, 100] and counts whole and positive", () => {
    const base = { minSample: 20, perSite: true, overall: true };
    expect(messages({ ...base, failurePct: 0 })).toEqual(["failurePct: The failure percentage must be more than 0 %"]);
    expect(messages({ ...base, failurePct: 100.5 })).toEqual(["failurePct: The failure percentage is at most 100 %"]);
    expect(messages({ ...base, failurePct: 100 })).toEqual([]);
    expect(messages({ ...base, failureCount: 0 })).toEqual(["failureCount: The failure count is at least 1"]);
    expect(messages({ ...base, failureCount: 2.5 })).toEqual([
      "failureCount: The failure count must be a whole number",
    ]);
    expect(messages({ ...base, failureCount: 3, minSample: 0 })).toEqual([
      "minSample: The minimum sample is at least 1 finished client",
    ]);
  });

  it("switches on by default", () => {
    expect(PutHaltRuleBodySchema.parse({ failureCount: 3, minSample: 5, perSite: false, overall: true }).enabled).toBe(
      true,
    );
  });
});

describe("evaluateHaltRule", () => {
  it("does not fire before the minimum sample, however bad the failures (19 of 19)", () => {
    const r = evaluateHaltRule(rule({ perSite: false }), tallies([19, 19]));
    expect(r.fires).toBe(false);
    expect(r.checks).toEqual([
      {
        scope: "OVERALL",
        siteCode: null,
        finished: 19,
        failed: 19,
        failurePct: 100,
        sampleMet: false,
        reached: ["PCT"],
        fires: false,
      },
    ]);
  });

  it("fires once the sample is reached (the 20th finished client)", () => {
    const r = evaluateHaltRule(rule({ perSite: false }), tallies([20, 20]));
    expect(r.fires).toBe(true);
    if (!r.fires) return;
    expect(r.firing).toMatchObject({ scope: "OVERALL", siteCode: null, failed: 20, finished: 20, failurePct: 100 });
    expect(r.firing.sentence).toBe(
      "Halt rule of ADV00042: 20 of 20 installs failed across all sites (100 % ≥ 25 %, sample ≥ 20)",
    );
  });

  it("fires per site when one site is bad while the fleet as a whole is fine, naming the site", () => {
    const t = tallies([230, 24], { A01: [200, 12], B02: [30, 12] });
    const r = evaluateHaltRule(rule(), t);
    expect(r.fires).toBe(true);
    if (!r.fires) return;
    expect(r.firing).toMatchObject({ scope: "SITE", siteCode: "B02", failed: 12, finished: 30 });
    expect(r.firing.sentence).toBe(
      "Halt rule of ADV00042: 12 of 30 installs failed at site B02 (40 % ≥ 25 %, sample ≥ 20)",
    );
    // Overall only: 24 of 230 (10.4 %) is below 25 %.
    expect(evaluateHaltRule(rule({ perSite: false }), t).fires).toBe(false);
  });

  it("applies the sample per site: a small bad site does not fire on its own", () => {
    const t = tallies([210, 10], { A01: [200, 0], B02: [10, 10] });
    expect(evaluateHaltRule(rule({ overall: false }), t).fires).toBe(false);
  });

  it("fires on the count threshold and reports the overall scope before any site", () => {
    const r = evaluateHaltRule(
      rule({ failurePct: null, failureCount: 10, minSample: 20 }),
      tallies([500, 12], { A01: [300, 2], B02: [200, 10] }),
    );
    expect(r.fires).toBe(true);
    if (!r.fires) return;
    expect(r.firing).toMatchObject({ scope: "OVERALL", reached: ["COUNT"] });
    expect(r.firing.sentence).toBe(
      "Halt rule of ADV00042: 12 of 500 installs failed across all sites (12 ≥ 10 failures, sample ≥ 20)",
    );
    expect(r.checks.map((c) => [c.scope, c.siteCode, c.fires])).toEqual([
      ["OVERALL", null, true],
      ["SITE", "B02", true],
      ["SITE", "A01", false],
    ]);
  });

  it("names both thresholds when both are reached, and compares the share exactly at the boundary", () => {
    const r = evaluateHaltRule(rule({ failureCount: 5, perSite: false }), tallies([20, 5]));
    expect(r.fires).toBe(true);
    if (!r.fires) return;
    expect(r.firing.sentence).toBe(
      "Halt rule of ADV00042: 5 of 20 installs failed across all sites (25 % ≥ 25 % and 5 ≥ 5 failures, sample ≥ 20)",
    );
    expect(evaluateHaltRule(rule({ perSite: false }), tallies([21, 5])).fires).toBe(false); // 23.8 %
  });

  it("never fires with nothing finished, and ignores nonsense tallies (failed > finished)", () => {
    expect(evaluateHaltRule(rule({ minSample: 1 }), tallies([0, 0])).fires).toBe(false);
    const r = evaluateHaltRule(rule({ perSite: false, minSample: 1 }), tallies([4, 9]));
    expect(r.checks[0]).toMatchObject({ finished: 4, failed: 4 });
  });
});

describe("halt rule words", () => {
  it("formats shares with one decimal at most", () => {
    expect(formatHaltPct(40)).toBe("40 %");
    expect(formatHaltPct(33.333)).toBe("33.3 %");
    expect(formatHaltPct(12.5)).toBe("12.5 %");
  });

  it("describes the rule for the console", () => {
    expect(describeHaltRule(rule({ failureCount: 10, alsoDisableAdvertisement: true }))).toBe(
      "Halts when 25 % of installs fail or 10 installs fail at any site or overall, once at least 20 finished there; disables the program and the advertisement.",
    );
  });
});
