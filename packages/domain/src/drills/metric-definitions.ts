import { z } from "zod";

/**
 * The drill metrics of domain.md §7, as data: what each measures, on which clock, from which
 * event to which, and its target. `drill-metrics.ts` computes them from a drill's timeline.
 *
 * Clocks. The team works the console at human speed; the sandbox fleet runs `timeScale` times
 * faster (a 24-hour rollout in a one-hour drill). So:
 *  - DRILL: real elapsed time from the drill clock, pauses excluded — the team's own steps;
 *  - SIM: drill time × timeScale — what the fleet did (DP distribution, first install);
 *  - RESPONSE: DRILL time until the release was advertised, SIM time after it — "how long from the
 *    alarm, had this been real", which is what the coverage targets (from T0) are about;
 *  - null: not a duration (a percentage or a count).
 */

export const DRILL_METRIC_KEYS = [
  "tAssemble",
  "tInitialPriority",
  "tSourceVerified",
  "tPriorityConfirmed",
  "tPackageBuilt",
  "tDpsReady90",
  "tCoreTestPass",
  "tAdvertised",
  "tFirstSuccess",
  "tCoverage50",
  "tCoverage90",
  "tCoverage95",
  "tHalt",
  "tRollbackReady",
  "oobCompletion",
  "oobInfraCompletion",
  "oobSlowLinkCompletion",
  "processDeviations",
] as const;
export const DrillMetricKeySchema = z.enum(DRILL_METRIC_KEYS, { message: "Unknown drill metric" });
export type DrillMetricKey = z.infer<typeof DrillMetricKeySchema>;

export const METRIC_CLOCKS = ["DRILL", "SIM", "RESPONSE"] as const;
export const MetricClockSchema = z.enum(METRIC_CLOCKS);
export type MetricClock = z.infer<typeof MetricClockSchema>;

export const metricClockLabels: Record<MetricClock, string> = {
  DRILL: "Drill time (real, pauses excluded)",
  SIM: "Simulated time (drill time × time scale)",
  RESPONSE: "Response time (drill time until advertised, simulated time after)",
};

export const METRIC_UNITS = ["ms", "pct", "count"] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export interface DrillMetricDefinition {
  key: DrillMetricKey;
  label: string;
  unit: MetricUnit;
  clock: MetricClock | null;
  formula: string;
  /** Which event starts the measurement, in words. */
  startsAt: string;
  /** Which event stops it, in words. */
  stopsAt: string;
  /** Constant target (ms, % or count) with its source; `tCoverage95` takes its target from the priority policy instead. */
  target: { value: number; source: string } | null;
  /** An outcome metric: missing it fails the drill (verdict.ts). */
  decisive: boolean;
}

const H = 3_600_000;
const COVERAGE_STOP = (pct: number) =>
  `first instant ≥ ${pct} % of the machines the scenario's update applies to have it installed (compliance rows) or a DONE out-of-band task; "advertised" is the case's startDeployment, else the first time an advertisement of the update became active`;
const SECTION_7 = "domain.md §7 (proposed emergency target)";

/** One row per §7 metric; `tDpsReady90` is §7's tDPsReady(p) at p = 90 %, coverage is tCompliance(x). */
export const DRILL_METRIC_DEFINITIONS: Record<DrillMetricKey, DrillMetricDefinition> = {
  tAssemble: {
    key: "tAssemble",
    label: "Time to assemble the ERT",
    unit: "ms",
    clock: "DRILL",
    formula: "last ERT_ACKNOWLEDGED completing the quorum (ERT lead + SMS admin + security) − T0",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: "ERT_ACKNOWLEDGED that completes the quorum",
    target: { value: 1 * H, source: SECTION_7 },
    decisive: false,
  },
  tInitialPriority: {
    key: "tInitialPriority",
    label: "Time to initial priority",
    unit: "ms",
    clock: "DRILL",
    formula: "first PRIORITY_SET (RFC submitted) − T0",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: "first PRIORITY_SET (emitted by submitRfc)",
    target: { value: 2 * H, source: SECTION_7 },
    decisive: false,
  },
  tSourceVerified: {
    key: "tSourceVerified",
    label: "Time to source verified",
    unit: "ms",
    clock: "DRILL",
    formula: "first CASE_TRANSITION verifySource − T0",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: "first CASE_TRANSITION with action verifySource",
    target: { value: 2 * H, source: SECTION_7 },
    decisive: false,
  },
  tPriorityConfirmed: {
    key: "tPriorityConfirmed",
    label: "Time to confirmed priority",
    unit: "ms",
    clock: "DRILL",
    formula: "first PRIORITY_CONFIRMED − first PRIORITY_SET",
    startsAt: "first PRIORITY_SET (RFC submitted)",
    stopsAt: "first PRIORITY_CONFIRMED after it",
    target: { value: 1 * H, source: SECTION_7 },
    decisive: false,
  },
  tPackageBuilt: {
    key: "tPackageBuilt",
    label: "Time to package built",
    unit: "ms",
    clock: "DRILL",
    formula: "first CASE_TRANSITION startTesting − first PRIORITY_CONFIRMED",
    startsAt: "first PRIORITY_CONFIRMED",
    stopsAt: "first CASE_TRANSITION with action startTesting (needs the built package)",
    target: { value: 2 * H, source: SECTION_7 },
    decisive: false,
  },
  tDpsReady90: {
    key: "tDpsReady90",
    label: "Time to 90 % of distribution points ready",
    unit: "ms",
    clock: "SIM",
    formula: "(first instant ≥ 90 % of required DPs hold the current source version − package built) × timeScale",
    startsAt: "first CASE_TRANSITION startTesting (package built)",
    stopsAt:
      "first instant ≥ 90 % of required DPs hold the current source version (the sandbox distributes a package as soon as it is created, as SMS does when the administrator assigns DPs)",
    target: { value: 4 * H, source: SECTION_7 },
    decisive: false,
  },
  tCoreTestPass: {
    key: "tCoreTestPass",
    label: "Time to core tests passed",
    unit: "ms",
    clock: "DRILL",
    formula: "first instant every CORE test of the case has passed, or the release accepted − package built",
    startsAt: "first CASE_TRANSITION startTesting (package built)",
    stopsAt:
      "the TEST_RECORDED after which every CORE test of the case (its stored tests) has passed, or CASE_TRANSITION acceptRelease if earlier",
    target: { value: 3 * H, source: SECTION_7 },
    decisive: false,
  },
  tAdvertised: {
    key: "tAdvertised",
    label: "Time to advertised",
    unit: "ms",
    clock: "DRILL",
    formula: "first CASE_TRANSITION startDeployment − T0",
    startsAt: "T0: DRILL_STARTED",
    stopsAt:
      "first CASE_TRANSITION with action startDeployment (the machine allows it only with a mandatory, ONSLOWNET advertisement for an Emergency)",
    target: { value: 8 * H, source: SECTION_7 },
    decisive: false,
  },
  tFirstSuccess: {
    key: "tFirstSuccess",
    label: "Time to first successful install",
    unit: "ms",
    clock: "SIM",
    formula: "(first 10008/10009 − advertised) × timeScale",
    startsAt: "first CASE_TRANSITION startDeployment (advertised)",
    stopsAt: "first status message 10008 or 10009 from the sandbox",
    target: null,
    decisive: false,
  },
  tCoverage50: {
    key: "tCoverage50",
    label: "Time to 50 % coverage",
    unit: "ms",
    clock: "RESPONSE",
    formula: "(advertised − T0) + (first coverage sample ≥ 50 % − advertised) × timeScale",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: COVERAGE_STOP(50),
    target: null,
    decisive: false,
  },
  tCoverage90: {
    key: "tCoverage90",
    label: "Time to 90 % coverage",
    unit: "ms",
    clock: "RESPONSE",
    formula: "(advertised − T0) + (first coverage sample ≥ 90 % − advertised) × timeScale",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: COVERAGE_STOP(90),
    target: null,
    decisive: false,
  },
  tCoverage95: {
    key: "tCoverage95",
    label: "Time to 95 % coverage",
    unit: "ms",
    clock: "RESPONSE",
    formula: "(advertised − T0) + (first coverage sample ≥ 95 % − advertised) × timeScale",
    startsAt: "T0: DRILL_STARTED",
    stopsAt: COVERAGE_STOP(95),
    // From the priority policy: the target time frame of the scenario's expected priority.
    target: null,
    decisive: true,
  },
  tHalt: {
    key: "tHalt",
    label: "Time to halt",
    unit: "ms",
    clock: "DRILL",
    formula: "program disabled with no new 10005 received after it − INSTALLS_FAILING inject fired",
    startsAt: "first DRILL_INJECT_FIRED of kind INSTALLS_FAILING (the failures become known: the halt decision)",
    stopsAt:
      "the first halt after it (the halt record: program disabled), or the last 10005 received after that halt; says whether the automatic rule or a person halted",
    target: { value: 0.5 * H, source: SECTION_7 },
    decisive: true,
  },
  tRollbackReady: {
    key: "tRollbackReady",
    label: "Time to rollback ready",
    unit: "ms",
    clock: "DRILL",
    formula: "first ROLLBACK_READY − first CASE_TRANSITION startRollback",
    startsAt: "first CASE_TRANSITION with action startRollback (the rollback decision)",
    stopsAt: "first ROLLBACK_READY after it",
    target: { value: 4 * H, source: SECTION_7 },
    decisive: true,
  },
  oobCompletion: {
    key: "oobCompletion",
    label: "Out-of-band tasks closed at T0 + 24 h",
    unit: "pct",
    clock: null,
    formula: "closed ÷ all infra-server, slow-link and courier tasks, counted at T0 + 24 h simulated",
    startsAt: "—",
    stopsAt: "T0 + 24 h simulated time",
    target: null,
    decisive: false,
  },
  oobInfraCompletion: {
    key: "oobInfraCompletion",
    label: "Infrastructure servers patched by hand at T0 + 24 h",
    unit: "pct",
    clock: null,
    formula: "closed ÷ all INFRA_SERVER_MANUAL tasks, counted at T0 + 24 h simulated",
    startsAt: "—",
    stopsAt: "T0 + 24 h simulated time",
    target: { value: 100, source: SECTION_7 },
    decisive: false,
  },
  oobSlowLinkCompletion: {
    key: "oobSlowLinkCompletion",
    label: "Slow-link computers handled at T0 + 24 h",
    unit: "pct",
    clock: null,
    formula: "closed ÷ all SLOW_LINK_CLIENT tasks, counted at T0 + 24 h simulated",
    startsAt: "—",
    stopsAt: "T0 + 24 h simulated time",
    target: { value: 80, source: SECTION_7 },
    decisive: false,
  },
  processDeviations: {
    key: "processDeviations",
    label: "Process deviations",
    unit: "count",
    clock: null,
    formula: "number of deviations found by detectDeviations",
    startsAt: "—",
    stopsAt: "—",
    target: { value: 0, source: SECTION_7 },
    decisive: false,
  },
};

/** Metrics of a release drill: everything from assembly to coverage and the out-of-band ledger. */
export const RELEASE_DRILL_METRICS: readonly DrillMetricKey[] = [
  "tAssemble",
  "tInitialPriority",
  "tSourceVerified",
  "tPriorityConfirmed",
  "tPackageBuilt",
  "tDpsReady90",
  "tCoreTestPass",
  "tAdvertised",
  "tFirstSuccess",
  "tCoverage50",
  "tCoverage90",
  "tCoverage95",
  "oobCompletion",
  "oobInfraCompletion",
  "oobSlowLinkCompletion",
  "processDeviations",
];

/** T0 + this much simulated time is when the out-of-band ledger is counted (§7). */
export const OOB_CUTOFF_SIM_MS = 24 * H;
