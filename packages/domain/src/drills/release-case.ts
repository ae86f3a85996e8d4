import type { TestLike } from "../process/acceptance.js";
import { newUpdateCase, transitionCase, type CaseActionInput, type UpdateCase } from "../process/case-machine.js";
import type { TimelineEventInput } from "../process/timeline.js";
import type { SoftwareUpdate } from "../process/updates.js";
import type { AdvertisementFlagFields } from "../sms/advertisement.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import type { DrillScenario } from "./scenario.js";

/**
 * The scenario's release case and its catalogue entry (product.md C10: the drill emergency holds
 * the release case). At the start the API creates the case in the sandbox, linked to the drill's
 * emergency, at the scenario's `fleet.releaseCase`:
 *  - DETECTED: a fresh case (the bulletin just arrived; the team triages it);
 *  - DEPLOYING: the release has been deploying since before T0, so the case is walked through the
 *    real case machine (relevance → … → startDeployment) at instants before T0. Its timeline
 *    events are dated before T0, so the drill's metrics and deviations never count them.
 */

export interface DrillReleaseCaseInput {
  scenario: Pick<DrillScenario, "subject" | "expectedPriority" | "fleet" | "name">;
  /** When the history before the drill began (e.g. T0 − 8 h); every step is dated from here, before T0. */
  since: TimeInput;
  /** The drill's umpire: the case's earlier steps are recorded on the scenario's behalf under this id. */
  actorUserId: string;
  /** The release already deploying (DEPLOYING only). */
  packageId?: string | null;
  advertisement?: (AdvertisementFlagFields & { advertisementId: string }) | null;
  /** Id of the passed CORE acceptance test the API stores with the case (DEPLOYING only). */
  coreTestId?: string;
}

export interface DrillReleaseCase {
  record: UpdateCase;
  /** Timeline events of the case's history, all dated before T0. */
  events: TimelineEventInput[];
  /** The acceptance tests to store with the case (a passed CORE test when it deploys already). */
  tests: (TestLike & { executedAt: string })[];
}

export const CORE_TEST_NAME = "Logon, file and print work after the update (drill scenario)";

/** Builds the case, or null when the scenario starts without one. Throws if the case machine refuses a step. */
export function drillReleaseCase(input: DrillReleaseCaseInput): DrillReleaseCase | null {
  const start = input.scenario.fleet.releaseCase;
  if (start === "NONE") return null;
  if (start === "DETECTED") return { record: newUpdateCase(), events: [], tests: [] };
  const { packageId, advertisement, coreTestId } = input;
  if (!packageId || !advertisement || !coreTestId)
    throw new RangeError("A release case that starts DEPLOYING needs the package, the advertisement and a test id.");
  const sinceMs = toEpochMs(input.since);
  const priority = input.scenario.expectedPriority;
  const subject = input.scenario.subject;
  const at = (step: number) => new Date(sinceMs + step * 60_000).toISOString();
  const tests: DrillReleaseCase["tests"] = [
    { id: coreTestId, name: CORE_TEST_NAME, scope: "CORE", result: "PASSED", executedAt: at(7) },
  ];
  const steps: CaseActionInput[] = [
    {
      type: "markRelevant",
      evidence: `Drill scenario "${input.scenario.name}": the update applies to the sandbox fleet`,
    },
    {
      type: "verifySource",
      hash: "0".repeat(64),
      checks: { genuine: true, virusFree: true, installsCleanly: true },
      notes: "Recorded by the drill scenario (before the drill started).",
    },
    {
      type: "submitRfc",
      initialPriority: priority,
      category: "MAJOR",
      rationale: `Drill scenario: ${subject.bulletinId} ${subject.title}`,
    },
    { type: "startEvaluation" },
    {
      type: "confirmPriority",
      finalPriority: priority,
      rationale: {
        assetsExposed: "The sandbox fleet's workstations (drill scenario)",
        mitigations: "none",
        scope: "Every workstation of the sandbox fleet",
        exploitedInTheWild: subject.worm !== null,
      },
    },
    { type: "plan" },
    { type: "build", packageId },
    { type: "startTesting", packageId },
    { type: "acceptRelease" },
    { type: "startDeployment", advertisementId: advertisement.advertisementId },
  ];
  let record = newUpdateCase();
  const events: TimelineEventInput[] = [];
  steps.forEach((action, i) => {
    const r = transitionCase(record, action, {
      now: at(i),
      actor: { userId: input.actorUserId, role: "ERT_LEAD" },
      tests,
      advertisement,
    });
    if (!r.ok) throw new RangeError(`The drill's release case could not ${action.type}: ${r.reason}`);
    record = r.next;
    for (const e of r.effects) if (e.type === "TIMELINE") events.push(e.event);
  });
  return { record, events, tests };
}

/**
 * The scenario's update as the catalogue records it (reference data, like a real bulletin), for a
 * drill that starts when the catalogue does not have it yet. The API flags the row as coming from
 * the drill scenario; a person recording the same KB later takes the row over.
 */
export function scenarioCatalogUpdate(scenario: Pick<DrillScenario, "subject">, releasedAt: TimeInput): SoftwareUpdate {
  const { subject } = scenario;
  const kb = subject.updateId;
  return {
    bulletinId: subject.bulletinId,
    kbNumber: kb,
    title: subject.title,
    classification: "SECURITY_UPDATE",
    vendorSeverity: subject.vendorSeverity,
    products: ["Microsoft Windows (drill scenario)"],
    releasedAt: new Date(toEpochMs(releasedAt)).toISOString(),
    sizeKB: 5120,
    installerEngine: "UPDATE_EXE",
    installCommand: `${kb}.exe /quiet /norestart`,
    rollbackability: "REMOVABLE",
    uninstallCommand: `%windir%\\$NtUninstall${kb}$\\spuninst\\spuninst.exe /quiet /norestart`,
    detectionRule: { registryKey: `HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows\\${kb}` },
    requiresRestart: "YES",
    supersedes: [],
    touchesFiles: [],
    rollbackNotes: null,
  };
}
