import { describe, expect, it } from "vitest";
import {
  BUILT_IN_SCENARIOS,
  EMERGENCY_RELEASE_SCENARIO,
  findBuiltInScenario,
  listBuiltInScenarios,
} from "./built-in-scenarios.js";
import { DRILL_METRIC_KEYS } from "./metric-definitions.js";
import { DrillScenarioSchema, parseDrillScenario, scenarioProblems, type DrillScenarioInput } from "./scenario.js";

const valid = (): DrillScenarioInput => structuredClone(EMERGENCY_RELEASE_SCENARIO) as DrillScenarioInput;
const messages = (input: unknown) => scenarioProblems(input).map((p) => `${p.path}: ${p.message}`);
const withInjects = (injects: unknown[]) => ({ ...valid(), injects });
const inject = (over: Record<string, unknown>) => ({
  id: "x",
  atMinute: 5,
  title: "Something happens",
  detail: "Details for the team.",
  ...over,
});

describe("built-in scenarios", () => {
  it("are the four scenarios of §7, each valid, with unique ids", () => {
    expect(BUILT_IN_SCENARIOS.map((s) => s.kind)).toEqual([
      "EMERGENCY_RELEASE",
      "WORM_OUTBREAK",
      "BAD_UPDATE_ROLLBACK",
      "INFRA_OUTAGE_DURING_RELEASE",
    ]);
    for (const s of BUILT_IN_SCENARIOS) expect(scenarioProblems(s)).toEqual([]);
    expect(new Set(BUILT_IN_SCENARIOS.map((s) => s.id)).size).toBe(4);
    expect(listBuiltInScenarios()).toBe(BUILT_IN_SCENARIOS);
  });

  it("state a time scale that fits a 24-hour rollout into the planned length", () => {
    for (const s of BUILT_IN_SCENARIOS.filter((x) => x.metrics.includes("tCoverage95")))
      expect((s.durationMinutes / 60) * s.timeScale).toBeGreaterThanOrEqual(24);
  });

  it("are found by id, or null", () => {
    expect(findBuiltInScenario("worm-outbreak-sasser")?.subject.worm).toBe("Sasser");
    expect(findBuiltInScenario("no-such-scenario")).toBeNull();
  });

  it("score the rollback scenario on halt and rollback, not on coverage", () => {
    const rb = findBuiltInScenario("bad-update-rollback-ms05-039");
    expect(rb?.metrics).toEqual(["tAssemble", "tHalt", "tRollbackReady", "processDeviations"]);
    expect(rb?.fleet.activeRelease).toBe(true);
  });
});

describe("scenario validation", () => {
  it("fills defaults: simulated mode, Emergency, no active release, empty NOTE parameters", () => {
    const s = DrillScenarioSchema.parse({
      ...valid(),
      mode: undefined,
      expectedPriority: undefined,
      injects: [{ id: "n", atMinute: 0, kind: "NOTE", title: "Hello", detail: "A note." }],
    });
    expect(s.mode).toBe("SIMULATED");
    expect(s.expectedPriority).toBe("EMERGENCY");
    expect(s.fleet.activeRelease).toBe(false);
    expect(s.injects[0]?.parameters).toEqual({});
  });

  it("sorts injects by minute, keeping the written order for equal minutes", () => {
    const s = parseDrillScenario(
      withInjects([
        inject({ id: "late", atMinute: 30, kind: "NOTE" }),
        inject({ id: "first", atMinute: 0, kind: "NOTE" }),
        inject({ id: "second", atMinute: 0, kind: "NOTE" }),
      ]),
    );
    expect(s.injects.map((i) => i.id)).toEqual(["first", "second", "late"]);
  });

  it("refuses duplicate inject ids, naming both positions", () => {
    expect(
      messages(withInjects([inject({ id: "dup", kind: "NOTE" }), inject({ id: "dup", kind: "NOTE", atMinute: 9 })])),
    ).toEqual(['injects.1.id: Inject id "dup" is used twice (injects 1 and 2); give each inject its own id']);
  });

  it("refuses an inject after the end of the drill and a negative or fractional minute", () => {
    expect(messages(withInjects([inject({ kind: "NOTE", atMinute: 95 })]))).toEqual([
      'injects.0.atMinute: Inject "x" is at minute 95, after the end of the 90-minute drill',
    ]);
    expect(messages(withInjects([inject({ kind: "NOTE", atMinute: -1 })]))).toEqual([
      "injects.0.atMinute: The inject time is 0 or later",
    ]);
    expect(messages(withInjects([inject({ kind: "NOTE", atMinute: 2.5 })]))).toEqual([
      "injects.0.atMinute: The inject time is a whole number of minutes",
    ]);
  });

  it("requires each kind's parameters with a message saying what to enter", () => {
    expect(messages(withInjects([inject({ kind: "DP_DOWN", parameters: {} })]))).toEqual([
      "injects.0.parameters.siteCode: Enter a site code",
    ]);
    expect(messages(withInjects([inject({ kind: "DP_DOWN", parameters: { siteCode: "boston" } })]))).toEqual([
      "injects.0.parameters.siteCode: A site code is three characters, A–Z or 0–9, e.g. CEN",
    ]);
    expect(messages(withInjects([inject({ kind: "INSTALLS_FAILING", parameters: {} })]))).toEqual([
      "injects.0.parameters.failureRate: Enter the failure rate as a fraction, e.g. 0.3",
    ]);
    expect(messages(withInjects([inject({ kind: "INSTALLS_FAILING", parameters: { failureRate: 30 } })]))).toEqual([
      "injects.0.parameters.failureRate: The failure rate is at most 1 (every install fails)",
    ]);
    expect(
      messages(withInjects([inject({ kind: "LINK_DOWN", parameters: { siteCode: "NYC", destSiteCode: "NYC" } })])),
    ).toEqual(["injects.0.parameters.destSiteCode: A link joins two different sites"]);
    expect(messages(withInjects([inject({ kind: "NEW_BULLETIN", parameters: { bulletinId: "MS04-011" } })]))).toEqual([
      "injects.0.parameters.updateId: Enter the KB number",
    ]);
    expect(messages(withInjects([inject({ kind: "EXPLOITATION_REPORTED", parameters: { threat: " " } })]))).toEqual([
      "injects.0.parameters.threat: Enter the threat (worm or exploit name)",
    ]);
    expect(messages(withInjects([inject({ kind: "STAFF_UNAVAILABLE", parameters: { drillRole: "CEO" } })]))).toEqual([
      "injects.0.parameters.drillRole: Choose the participant's drill role",
    ]);
  });

  it("names the known kinds when the kind is unknown", () => {
    expect(messages(withInjects([inject({ kind: "ALIENS", parameters: {} })]))).toEqual([
      "injects.0.kind: Choose a known inject kind: NEW_BULLETIN, EXPLOITATION_REPORTED, DP_DOWN, DP_RESTORED, LINK_DOWN, LINK_RESTORED, INSTALLS_FAILING, STAFF_UNAVAILABLE, NOTE",
    ]);
  });

  it("needs an INSTALLS_FAILING inject when scored on time to halt", () => {
    expect(messages({ ...valid(), metrics: ["tHalt"] })).toEqual([
      "metrics: Time to halt starts when installs start failing: add an INSTALLS_FAILING inject or drop the metric",
    ]);
  });

  it("refuses unknown or repeated metrics, an empty inject list and a time scale below real time", () => {
    expect(messages({ ...valid(), metrics: ["tAssemble", "tAssemble"] })).toEqual([
      "metrics.1: Metric tAssemble is listed twice",
    ]);
    expect(messages({ ...valid(), metrics: ["tCoffee"] })).toEqual(["metrics.0: Unknown drill metric"]);
    expect(messages({ ...valid(), injects: [] })).toEqual(["injects: A scenario needs at least one inject"]);
    expect(messages({ ...valid(), timeScale: 0.5 })).toEqual(["timeScale: The time scale is at least 1 (real time)"]);
    expect(messages({ ...valid(), id: "Has Spaces" })).toEqual([
      "id: The scenario id uses lower-case letters, digits and hyphens, e.g. dp-down-bos",
    ]);
  });

  it("every metric key can be listed by a scenario", () => {
    const s = parseDrillScenario({
      ...valid(),
      metrics: [...DRILL_METRIC_KEYS],
      injects: [inject({ kind: "INSTALLS_FAILING", parameters: { failureRate: 0.2 } })],
    });
    expect(s.metrics).toHaveLength(DRILL_METRIC_KEYS.length);
  });

  it("parseDrillScenario throws one error listing every problem", () => {
    expect(() => parseDrillScenario({ ...valid(), timeScale: 0, injects: [] })).toThrow(
      "Scenario emergency-release-ms04-011 is not valid: timeScale: The time scale is at least 1 (real time); injects: A scenario needs at least one inject",
    );
  });
});

describe("sandbox size and the release case", () => {
  it("refuses the enterprise preset and more than 5,000 computers, with messages a planner can act on", () => {
    expect(messages({ ...valid(), fleet: { preset: "enterprise", seed: 1 } })).toEqual([
      'fleet.preset: The enterprise preset (about 100,000 computers) is too large for a drill sandbox: use "demo", with at most 5,000 computers',
    ]);
    expect(messages({ ...valid(), fleet: { preset: "demo", seed: 1, computers: 5_001 } })).toEqual([
      "fleet.computers: A drill sandbox has at most 5,000 computers",
    ]);
    expect(messages({ ...valid(), fleet: { preset: "demo", seed: 1, computers: 5_000 } })).toEqual([]);
  });

  it("starts the release case as the scenario says; DEPLOYING needs the release advertised", () => {
    const built = (id: string) => findBuiltInScenario(id)?.fleet.releaseCase;
    expect(built("emergency-release-ms04-011")).toBe("DETECTED");
    expect(built("worm-outbreak-sasser")).toBe("NONE");
    expect(built("bad-update-rollback-ms05-039")).toBe("DEPLOYING");
    expect(DrillScenarioSchema.parse({ ...valid(), fleet: { preset: "demo", seed: 1 } }).fleet.releaseCase).toBe(
      "NONE",
    );
    expect(
      DrillScenarioSchema.parse({ ...valid(), fleet: { preset: "demo", seed: 1, activeRelease: true } }).fleet
        .releaseCase,
    ).toBe("DEPLOYING");
    expect(messages({ ...valid(), fleet: { preset: "demo", seed: 1, releaseCase: "DEPLOYING" } })).toEqual([
      "fleet.releaseCase: A release case that starts DEPLOYING needs the release advertised at the start: set fleet.activeRelease",
    ]);
  });
});
