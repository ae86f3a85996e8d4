import { RELEASE_DRILL_METRICS, type DrillMetricKey } from "./metric-definitions.js";
import { parseDrillScenario, type DrillScenario, type DrillScenarioInput } from "./scenario.js";

/**
 * The four built-in scenarios of domain.md §7, as plain data. Site codes are those of the
 * simulator's `demo` preset (CEN, NYC, FRA, BOS, MIA, PAR, ABZ). 90 minutes at × 24 gives 36
 * simulated hours: room for a 24-hour rollout after the team's own steps.
 */

const release = [...RELEASE_DRILL_METRICS];
const rollback: DrillMetricKey[] = ["tAssemble", "tHalt", "tRollbackReady", "processDeviations"];

export const EMERGENCY_RELEASE_SCENARIO = {
  id: "emergency-release-ms04-011",
  name: "Emergency release: LSASS (MS04-011)",
  description:
    "Microsoft publishes a Critical bulletin for a remotely exploitable LSASS hole. Exploit code appears within hours. " +
    "The team triages, raises the RFC, confirms an Emergency priority, builds and tests the package, applies the " +
    "emergency checklist and advertises it mandatorily, also over slow links, then drives coverage to 95 % within the " +
    "24-hour target, handling infrastructure servers and slow-link laptops out of band.",
  kind: "EMERGENCY_RELEASE",
  mode: "SIMULATED",
  emergencyType: "EMERGENCY_RELEASE",
  // The bulletin has just arrived: its case waits in Identify, linked to the drill's emergency.
  fleet: { preset: "demo", seed: 4011, releaseCase: "DETECTED" },
  subject: {
    bulletinId: "MS04-011",
    updateId: "KB835732",
    title: "Security Update for Microsoft Windows (LSASS buffer overrun)",
    vendorSeverity: "CRITICAL",
  },
  expectedPriority: "EMERGENCY",
  timeScale: 24,
  durationMinutes: 90,
  metrics: release,
  injects: [
    {
      id: "bulletin",
      atMinute: 0,
      kind: "NEW_BULLETIN",
      title: "MS04-011 published",
      detail:
        "Microsoft has published MS04-011 (KB835732), rated Critical for Windows 2000 and XP. Decide whether it applies to us and how urgent it is.",
      parameters: { bulletinId: "MS04-011", updateId: "KB835732", vendorSeverity: "CRITICAL" },
    },
    {
      id: "exploit-code",
      atMinute: 10,
      kind: "EXPLOITATION_REPORTED",
      title: "Exploit code published",
      detail:
        "Security reports working exploit code for the LSASS hole on public mailing lists. No infection seen here yet.",
      parameters: { threat: "LSASS exploit (public proof of concept)" },
    },
    {
      id: "exclude-request",
      atMinute: 40,
      kind: "NOTE",
      title: "A manager asks to exclude the sales laptops",
      detail:
        "The sales director asks that sales laptops are left out 'until after the quarter close'. Decide and record why.",
    },
    {
      id: "status-request",
      atMinute: 60,
      kind: "NOTE",
      title: "The CIO asks for a coverage figure",
      detail: "The CIO wants the current coverage and the time you expect to reach 95 %.",
    },
  ],
} satisfies DrillScenarioInput;

export const WORM_OUTBREAK_SCENARIO = {
  id: "worm-outbreak-sasser",
  name: "Worm outbreak: Sasser",
  description:
    "The Sasser worm is spreading through unpatched machines exploiting MS04-011, and the ERT lead cannot be reached. " +
    "The team assembles under an emergency-authority grant, confirms an Emergency, and deploys the update while infected " +
    "sites multiply.",
  kind: "WORM_OUTBREAK",
  mode: "SIMULATED",
  emergencyType: "WORM_OUTBREAK",
  // The team finds the update itself while the worm spreads: no case yet.
  fleet: { preset: "demo", seed: 5011, releaseCase: "NONE" },
  subject: {
    bulletinId: "MS04-011",
    updateId: "KB835732",
    title: "Security Update for Microsoft Windows (LSASS buffer overrun)",
    vendorSeverity: "CRITICAL",
    worm: "Sasser",
  },
  expectedPriority: "EMERGENCY",
  timeScale: 24,
  durationMinutes: 90,
  metrics: release,
  injects: [
    {
      id: "worm-seen",
      atMinute: 0,
      kind: "EXPLOITATION_REPORTED",
      title: "Sasser seen in Boston",
      detail:
        "The Boston help desk reports machines shutting down with an LSASS error every few minutes. The network team sees scans on port 445.",
      parameters: { threat: "Sasser.A", siteCodes: ["BOS"] },
    },
    {
      id: "lead-away",
      atMinute: 5,
      kind: "STAFF_UNAVAILABLE",
      title: "The ERT lead is on a flight",
      detail:
        "The ERT lead cannot be reached for the next two hours. Someone must act under a time-boxed emergency-authority grant.",
      parameters: { drillRole: "ERT_LEAD", untilMinute: 60 },
    },
    {
      id: "worm-spreads",
      atMinute: 30,
      kind: "EXPLOITATION_REPORTED",
      title: "Sasser reaches Miami and Paris",
      detail: "Infections are now reported in Miami and Paris.",
      parameters: { threat: "Sasser.B", siteCodes: ["MIA", "PAR"] },
    },
    {
      id: "press",
      atMinute: 55,
      kind: "NOTE",
      title: "The press office asks for a statement",
      detail: "A journalist asks whether customer data is at risk. Give the press office two sentences.",
    },
  ],
} satisfies DrillScenarioInput;

export const BAD_UPDATE_ROLLBACK_SCENARIO = {
  id: "bad-update-rollback-ms05-039",
  name: "Bad update: roll back MS05-039",
  description:
    "MS05-039 has been deploying since the night. Machines that installed it start failing at restart. The team halts " +
    "the deployment, decides on a rollback and gets the rollback package and targeting ready.",
  kind: "BAD_UPDATE_ROLLBACK",
  mode: "SIMULATED",
  emergencyType: "BAD_UPDATE",
  // Deploying since the night: the release case starts DEPLOYING, linked to the drill's emergency.
  fleet: { preset: "demo", seed: 5039, activeRelease: true, releaseCase: "DEPLOYING" },
  subject: {
    bulletinId: "MS05-039",
    updateId: "KB899588",
    title: "Security Update for Windows 2000 (Plug and Play buffer overrun)",
    vendorSeverity: "CRITICAL",
  },
  expectedPriority: "EMERGENCY",
  timeScale: 12,
  durationMinutes: 60,
  metrics: rollback,
  injects: [
    {
      id: "overnight",
      atMinute: 0,
      kind: "NOTE",
      title: "Deployment running since last night",
      detail: "The MS05-039 advertisement has been active since 22:00; about a third of the fleet has installed it.",
    },
    {
      id: "installs-failing",
      atMinute: 5,
      kind: "INSTALLS_FAILING",
      title: "Machines fail after installing the update",
      detail:
        "The help desk reports Windows 2000 machines failing to start after the update's restart. Failures are coming in from several sites.",
      parameters: { failureRate: 0.3, exitCode: 1603 },
    },
    {
      id: "vendor-answer",
      atMinute: 25,
      kind: "NOTE",
      title: "The vendor confirms the update can be removed",
      detail: "Microsoft support confirms KB899588 can be removed with its spuninst.exe /quiet /norestart.",
    },
  ],
} satisfies DrillScenarioInput;

export const INFRA_OUTAGE_SCENARIO = {
  id: "infra-outage-during-release-ms03-026",
  name: "Infrastructure outage during an emergency release (MS03-026)",
  description:
    "An Emergency release of the RPC DCOM update is under way when the Boston distribution point fails and the link to " +
    "Miami goes down. The team keeps the release moving: courier, remote distribution points, out-of-band tasks.",
  kind: "INFRA_OUTAGE_DURING_RELEASE",
  mode: "SIMULATED",
  emergencyType: "EMERGENCY_RELEASE",
  fleet: { preset: "demo", seed: 3026, releaseCase: "DETECTED" },
  subject: {
    bulletinId: "MS03-026",
    updateId: "KB823980",
    title: "Buffer Overrun In RPC Interface Could Allow Code Execution",
    vendorSeverity: "CRITICAL",
    worm: "Blaster",
  },
  expectedPriority: "EMERGENCY",
  timeScale: 24,
  durationMinutes: 90,
  metrics: release,
  injects: [
    {
      id: "bulletin",
      atMinute: 0,
      kind: "NEW_BULLETIN",
      title: "MS03-026 published",
      detail: "Microsoft has published MS03-026 (KB823980): RPC DCOM, Critical, remotely exploitable.",
      parameters: { bulletinId: "MS03-026", updateId: "KB823980", vendorSeverity: "CRITICAL" },
    },
    {
      id: "dp-down-bos",
      atMinute: 35,
      kind: "DP_DOWN",
      title: "Boston distribution point fails",
      detail: "The Boston DP's disk array has failed. Clients in Boston cannot reach local content.",
      parameters: { siteCode: "BOS" },
    },
    {
      id: "link-down-mia",
      atMinute: 45,
      kind: "LINK_DOWN",
      title: "The New York – Miami link is down",
      detail: "The carrier reports the NYC–MIA circuit down; no estimate for repair.",
      parameters: { siteCode: "NYC", destSiteCode: "MIA" },
    },
    {
      id: "dp-back-bos",
      atMinute: 70,
      kind: "DP_RESTORED",
      title: "Boston distribution point is back",
      detail: "The Boston DP is back with an empty content share.",
      parameters: { siteCode: "BOS" },
    },
    {
      id: "link-back-mia",
      atMinute: 80,
      kind: "LINK_RESTORED",
      title: "The New York – Miami link is back",
      detail: "The carrier has restored the NYC–MIA circuit.",
      parameters: { siteCode: "NYC", destSiteCode: "MIA" },
    },
  ],
} satisfies DrillScenarioInput;

/** Validated at load: a broken built-in scenario fails the first import (and its test). */
export const BUILT_IN_SCENARIOS: readonly DrillScenario[] = [
  EMERGENCY_RELEASE_SCENARIO,
  WORM_OUTBREAK_SCENARIO,
  BAD_UPDATE_ROLLBACK_SCENARIO,
  INFRA_OUTAGE_SCENARIO,
].map(parseDrillScenario);

export function listBuiltInScenarios(): readonly DrillScenario[] {
  return BUILT_IN_SCENARIOS;
}

/** The built-in scenario with this id, or `null`. */
export function findBuiltInScenario(id: string): DrillScenario | null {
  return BUILT_IN_SCENARIOS.find((s) => s.id === id) ?? null;
}
