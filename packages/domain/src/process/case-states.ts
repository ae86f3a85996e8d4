import { z } from "zod";
import type { Phase } from "./phase.js";

/**
 * Vocabulary of the UpdateCase state machine (domain.md §8.3): its states, the phase each state
 * belongs to, and the named actions that move a case. The rules are in case-machine.ts.
 */

export const CASE_STATES = [
  "DETECTED",
  "NOT_RELEVANT",
  "IDENTIFYING",
  "RFC_SUBMITTED",
  "EVALUATING",
  "DEFERRED",
  "PLANNED",
  "BUILDING",
  "TESTING",
  "READY",
  "DEPLOYING",
  "HALTED",
  "DEPLOYED",
  "ROLLING_BACK",
  "ROLLED_BACK",
  "REVIEWED",
  "CLOSED",
] as const;
export const CaseStateSchema = z.enum(CASE_STATES);
export type CaseState = z.infer<typeof CaseStateSchema>;

export const caseStateLabels: Record<CaseState, string> = {
  DETECTED: "Detected",
  NOT_RELEVANT: "Not relevant",
  IDENTIFYING: "Identifying",
  RFC_SUBMITTED: "RFC submitted",
  EVALUATING: "Evaluating",
  DEFERRED: "Deferred",
  PLANNED: "Planned",
  BUILDING: "Building",
  TESTING: "Testing",
  READY: "Ready to deploy",
  DEPLOYING: "Deploying",
  HALTED: "Halted",
  DEPLOYED: "Deployed",
  ROLLING_BACK: "Rolling back",
  ROLLED_BACK: "Rolled back",
  REVIEWED: "Reviewed",
  CLOSED: "Closed",
};

export const caseStateDescriptions: Record<CaseState, string> = {
  DETECTED: "An alert about the update arrived; nobody has decided yet whether it applies to us.",
  NOT_RELEVANT: "The update does not apply to our estate.",
  IDENTIFYING: "Obtaining and verifying the source files, and deciding the nature of the change.",
  RFC_SUBMITTED: "The RFC with its initial priority waits for the patch management team.",
  EVALUATING: "The team reviews the RFC and confirms or changes its priority and category.",
  DEFERRED: "Low or Medium: waiting for a service pack or update rollup.",
  PLANNED: "Targets, schedule and release mechanism are planned.",
  BUILDING: "The SMS package, program and advertisement are being built.",
  TESTING: "Acceptance testing in a production-like environment.",
  READY: "Built and accepted; ready to deploy.",
  DEPLOYING: "The advertisement is active; clients are installing.",
  HALTED: "Deployment halted: the program is disabled where it is advertised.",
  DEPLOYED: "The deployment reached its targets.",
  ROLLING_BACK: "A rollback package is being built, targeted and deployed.",
  ROLLED_BACK: "The update was removed where it had been applied.",
  REVIEWED: "The post-implementation review is written.",
  CLOSED: "The RFC is closed; lessons went back to Assess.",
};

/** Phase of each state (domain.md §2): RFC submission hands over to Evaluate & Plan; acceptance (G5) to Deploy. */
export const phaseOfState: Record<CaseState, Phase> = {
  DETECTED: "IDENTIFY",
  NOT_RELEVANT: "IDENTIFY",
  IDENTIFYING: "IDENTIFY",
  RFC_SUBMITTED: "EVALUATE_PLAN",
  EVALUATING: "EVALUATE_PLAN",
  DEFERRED: "EVALUATE_PLAN",
  PLANNED: "EVALUATE_PLAN",
  BUILDING: "EVALUATE_PLAN",
  TESTING: "EVALUATE_PLAN",
  READY: "DEPLOY",
  DEPLOYING: "DEPLOY",
  HALTED: "DEPLOY",
  DEPLOYED: "DEPLOY",
  ROLLING_BACK: "DEPLOY",
  ROLLED_BACK: "DEPLOY",
  REVIEWED: "DEPLOY",
  CLOSED: "ASSESS",
};

export const CASE_ACTIONS = [
  "markRelevant",
  "markNotRelevant",
  "verifySource",
  "submitRfc",
  "startEvaluation",
  "confirmPriority",
  "defer",
  "reopen",
  "plan",
  "build",
  "startTesting",
  "acceptReducedTesting",
  "acceptRelease",
  "startDeployment",
  "halt",
  "resume",
  "markDeployed",
  "startRollback",
  "abandonRollback",
  "markRolledBack",
  "review",
  "close",
] as const;
export const CaseActionTypeSchema = z.enum(CASE_ACTIONS);
export type CaseActionType = z.infer<typeof CaseActionTypeSchema>;

export const caseActionLabels: Record<CaseActionType, string> = {
  markRelevant: "Mark relevant",
  markNotRelevant: "Mark not relevant",
  verifySource: "Record source verification",
  submitRfc: "Submit RFC",
  startEvaluation: "Start evaluation",
  confirmPriority: "Confirm priority",
  defer: "Defer",
  reopen: "Reopen evaluation",
  plan: "Plan release",
  build: "Start build",
  startTesting: "Start acceptance testing",
  acceptReducedTesting: "Accept reduced testing",
  acceptRelease: "Accept release",
  startDeployment: "Start deployment",
  halt: "Halt deployment",
  resume: "Resume deployment",
  markDeployed: "Mark deployed",
  startRollback: "Start rollback",
  abandonRollback: "Abandon rollback",
  markRolledBack: "Mark rolled back",
  review: "Record review",
  close: "Close case",
};
