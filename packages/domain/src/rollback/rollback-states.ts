import { z } from "zod";

/**
 * Vocabulary of the Rollback state machine (domain.md §3.4, §8.3 Rollback; product.md C8): its
 * states, the named actions that move a rollback, and the workflow steps the console's stepper
 * shows. The rules are in rollback-machine.ts.
 *
 * Simplified from §8.3: the assessment runs when the rollback is opened (REQUESTED or straight to
 * NOT_FEASIBLE), HALTING / PACKAGE_CLEANUP / BUILDING_ROLLBACK / TARGETING / VERIFYING are actions
 * rather than resting states, and TESTING is the BUILT state (tests are recorded there).
 */

export const ROLLBACK_STATES = [
  "REQUESTED",
  "NOT_FEASIBLE",
  "ALT_RECOVERY",
  "HALTED",
  "PACKAGE_CLEANED",
  "BUILT",
  "READY",
  "DEPLOYING",
  "COMPLETED",
  "PARTIAL",
  "REVIEWED",
  "CLOSED",
  "CANCELLED",
] as const;
export const RollbackStateSchema = z.enum(ROLLBACK_STATES);
export type RollbackState = z.infer<typeof RollbackStateSchema>;

export const rollbackStateLabels: Record<RollbackState, string> = {
  REQUESTED: "Requested",
  NOT_FEASIBLE: "Not feasible",
  ALT_RECOVERY: "Alternative recovery",
  HALTED: "Deployment halted",
  PACKAGE_CLEANED: "Package cleaned",
  BUILT: "Rollback built, in testing",
  READY: "Accepted, ready to advertise",
  DEPLOYING: "Deploying",
  COMPLETED: "Completed",
  PARTIAL: "Partly rolled back",
  REVIEWED: "Reviewed",
  CLOSED: "Closed",
  CANCELLED: "Cancelled",
};

export const rollbackStateDescriptions: Record<RollbackState, string> = {
  REQUESTED: "The rollback is requested with its reason and initial priority; halt the update's deployments next.",
  NOT_FEASIBLE:
    "The update cannot be removed: recover by restoring from backup, rebuilding, or swapping in spare hardware.",
  ALT_RECOVERY: "An alternative recovery is under way instead of a rollback.",
  HALTED:
    "Every ongoing deployment of the update is halted; confirm the priority and authorise the rollback, then clean up the packages that carry it.",
  PACKAGE_CLEANED: "The update is out of the deployment packages; build the rollback package next.",
  BUILT: "The rollback package and its programs exist; acceptance tests run before it is advertised.",
  READY: "The rollback package is accepted; choose the targets and advertise it.",
  DEPLOYING: "The rollback is advertised; watch the monitor, then verify compliance.",
  COMPLETED: "Compliance shows the update gone from every targeted computer.",
  PARTIAL:
    "Some computers still have the update: failed and unreachable ones are out-of-band tasks, others are still running or awaiting a compliance scan. Verify again later.",
  REVIEWED: "The post-implementation review is written.",
  CLOSED: "The rollback is closed.",
  CANCELLED: "The rollback was cancelled before it was advertised.",
};

export const TERMINAL_ROLLBACK_STATES: readonly RollbackState[] = ["CLOSED", "CANCELLED"];
export const isRollbackOpen = (s: RollbackState): boolean => !TERMINAL_ROLLBACK_STATES.includes(s);

export const ROLLBACK_ACTIONS = [
  "confirmPriority",
  "markNotFeasible",
  "chooseAlternative",
  "halt",
  "authorise",
  "cleanPackages",
  "build",
  "addTest",
  "recordTestResult",
  "acceptReducedTesting",
  "acceptRelease",
  "advertise",
  "verify",
  "review",
  "close",
  "cancel",
] as const;
export const RollbackActionTypeSchema = z.enum(ROLLBACK_ACTIONS);
export type RollbackActionType = z.infer<typeof RollbackActionTypeSchema>;

export const rollbackActionLabels: Record<RollbackActionType, string> = {
  confirmPriority: "Confirm rollback priority",
  markNotFeasible: "Stop: not feasible",
  chooseAlternative: "Choose alternative recovery",
  halt: "Halt deployments of the update",
  authorise: "Authorise the rollback",
  cleanPackages: "Clean up the packages",
  build: "Build the rollback package",
  addTest: "Add acceptance test",
  recordTestResult: "Record test result",
  acceptReducedTesting: "Accept reduced testing",
  acceptRelease: "Accept the rollback package",
  advertise: "Advertise the rollback",
  verify: "Verify removal",
  review: "Record review",
  close: "Close rollback",
  cancel: "Cancel rollback",
};

// --- targeting (domain.md §3.4 R5) ------------------------------------------------------------

export const ROLLBACK_TARGETINGS = ["SAME_TARGETS_CHECK_FIRST", "APPLIED_ONLY"] as const;
export const RollbackTargetingSchema = z.enum(ROLLBACK_TARGETINGS, {
  message: "Choose option A (same collection, check first) or option B (computers that applied it)",
});
export type RollbackTargeting = z.infer<typeof RollbackTargetingSchema>;

export const rollbackTargetingLabels: Record<RollbackTargeting, string> = {
  SAME_TARGETS_CHECK_FIRST: "A · Same collection, program checks first",
  APPLIED_ONLY: "B · Only computers that applied the update",
};

export const rollbackTargetingDescriptions: Record<RollbackTargeting, string> = {
  SAME_TARGETS_CHECK_FIRST:
    "Advertise to the collection the update was advertised to, with a program that first checks whether the update is present and only then removes it.",
  APPLIED_ONLY:
    "Build a new collection of only the computers with compliance evidence that they applied the update, and advertise the plain uninstall program to it.",
};

// --- alternatives when the update cannot be removed (domain.md §6.3) -------------------------

export const ALTERNATIVE_RECOVERIES = ["RESTORE_FROM_BACKUP", "REBUILD", "SPARE_HARDWARE"] as const;
export const AlternativeRecoverySchema = z.enum(ALTERNATIVE_RECOVERIES, {
  message: "Choose restore from backup, rebuild or spare hardware",
});
export type AlternativeRecovery = z.infer<typeof AlternativeRecoverySchema>;

export const alternativeRecoveryLabels: Record<AlternativeRecovery, string> = {
  RESTORE_FROM_BACKUP: "Restore from backup",
  REBUILD: "Rebuild the computers",
  SPARE_HARDWARE: "Swap in spare hardware",
};

export const alternativeRecoveryDescriptions: Record<AlternativeRecovery, string> = {
  RESTORE_FROM_BACKUP: "Restore the system state of the affected computers from a backup taken before the update.",
  REBUILD: "Rebuild the affected computers from the standard image without the update.",
  SPARE_HARDWARE: "Replace critical computers with prepared spares while the affected ones are rebuilt.",
};

// --- stepper ----------------------------------------------------------------------------------

/** In the order they are done: the clean-up cannot be undone, so the priority and the authorisation come before it. */
export const ROLLBACK_STEPS = [
  "REQUEST",
  "FEASIBILITY",
  "HALT",
  "PRIORITY",
  "CLEANUP",
  "BUILD",
  "ACCEPT",
  "ADVERTISE",
  "VERIFY",
  "REVIEW",
] as const;
export type RollbackStep = (typeof ROLLBACK_STEPS)[number];

export const rollbackStepLabels: Record<RollbackStep, string> = {
  REQUEST: "Request",
  FEASIBILITY: "Feasibility",
  PRIORITY: "Priority & authorisation",
  HALT: "Halt",
  CLEANUP: "Package clean-up",
  BUILD: "Build",
  ACCEPT: "Acceptance",
  ADVERTISE: "Target & advertise",
  VERIFY: "Monitor & verify",
  REVIEW: "Review & close",
};
