import { gateLabels, type CaseDetail, type CaseState, type Gate, type Phase } from "@firebreak/domain";

export type GateState = "MET" | "NOT_MET" | "NOT_REACHED";

export interface GateView {
  gate: Gate;
  label: string;
  state: GateState;
  /** One line: what met it, or what is missing. */
  detail: string;
}

/** Gates in the phase where they are decided (domain.md §2.8). */
export const gatesByPhase: Record<Phase, readonly Gate[]> = {
  IDENTIFY: ["G0", "G1", "G2", "G3"],
  EVALUATE_PLAN: ["G4", "G5"],
  DEPLOY: ["G6", "G7"],
  ASSESS: [],
};

const PAST_G5: readonly CaseState[] = [
  "READY",
  "DEPLOYING",
  "HALTED",
  "DEPLOYED",
  "ROLLING_BACK",
  "ROLLED_BACK",
  "REVIEWED",
];

/**
 * Which gates the case has passed, read from its record. A case closed early (not relevant,
 * deferred) never reaches the later gates.
 */
export function caseGates(c: Pick<CaseDetail, "record" | "status">): GateView[] {
  const r = c.record;
  const stoppedEarly =
    c.status === "NOT_RELEVANT" || (c.status === "CLOSED" && !r.deploymentStartedAt) || c.status === "DEFERRED";
  const view = (gate: Gate, met: boolean, metDetail: string, missing: string): GateView => ({
    gate,
    label: gateLabels[gate],
    state: met ? "MET" : stoppedEarly ? "NOT_REACHED" : "NOT_MET",
    detail: met ? metDetail : stoppedEarly ? "Not reached: the case stopped before this gate." : missing,
  });
  const checks = r.sourceVerification?.checks;
  const verified = !!checks && checks.genuine && checks.virusFree && checks.installsCleanly;
  const g1: GateView =
    r.relevance && !r.relevance.relevant
      ? { gate: "G1", label: gateLabels.G1, state: "MET", detail: "Decided: the update does not apply to us." }
      : view("G1", !!r.relevance?.relevant, "Decided: the update applies to our estate.", "Decide whether it applies.");
  return [
    { gate: "G0", label: gateLabels.G0, state: "MET", detail: "The alert opened this case." },
    g1,
    view("G2", verified, "Source files genuine, virus-free, install cleanly.", "Verify the source files."),
    view(
      "G3",
      !!r.rfc,
      "RFC submitted with an initial priority.",
      "Submit the RFC with an initial priority and category.",
    ),
    view(
      "G4",
      !!r.priorityConfirmation,
      "Priority confirmed by a named person.",
      "A named person confirms or changes the priority.",
    ),
    view(
      "G5",
      PAST_G5.includes(c.status) || (c.status === "CLOSED" && !!r.deploymentStartedAt),
      r.reducedTestingAcceptance
        ? "Built and accepted on the reduced (core tests) path."
        : "Built and accepted after acceptance testing.",
      "Build the release and pass acceptance testing.",
    ),
    view("G6", !!r.deployedAt, "The deployment reached its targets.", "Deploy until the targets are reached."),
    view("G7", !!r.review, "Post-implementation review written.", "Write the post-implementation review."),
  ];
}
