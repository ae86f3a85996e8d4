import {
  ALTERNATIVE_RECOVERIES,
  AcceptRollbackBodySchema,
  AcceptRollbackReducedTestingBodySchema,
  AddRollbackTestBodySchema,
  AdvertiseRollbackBodySchema,
  AuthoriseRollbackBodySchema,
  BuildRollbackBodySchema,
  CancelRollbackBodySchema,
  ChooseAlternativeBodySchema,
  CleanPackagesBodySchema,
  CloseRollbackBodySchema,
  DEFAULT_VERIFY_GRACE_HOURS,
  ConfirmRollbackPriorityBodySchema,
  MarkNotFeasibleBodySchema,
  RELEASE_PRIORITIES,
  RecordRollbackTestBodySchema,
  ReviewRollbackBodySchema,
  RollbackHaltBodySchema,
  TEST_SCOPES,
  VerifyRollbackBodySchema,
  alternativeRecoveryLabels,
  releasePriorityLabels,
  testScopeLabels,
  type RollbackActionType,
  type RollbackDetail,
} from "@firebreak/domain";
import type { z } from "zod";

export type RollbackFieldKind = "text" | "textarea" | "select" | "radio" | "checkbox" | "number";

export interface RollbackFieldSpec {
  name: string;
  label: string;
  kind: RollbackFieldKind;
  description?: string;
  required?: boolean;
  options?: readonly { value: string; label: string }[];
  monospace?: boolean;
}

export interface RollbackActionForm {
  /** The body schema the API validates the action with. */
  schema: z.ZodType;
  fields: readonly RollbackFieldSpec[];
  /** What the action does, in a sentence. */
  intro: string;
  /** Stops or removes something: drawn in red. */
  danger?: boolean;
}

export type RollbackFormValues = Record<string, string | boolean>;

const priorityOptions = RELEASE_PRIORITIES.map((p) => ({ value: p, label: releasePriorityLabels[p] }));
const scopeOptions = TEST_SCOPES.map((s) => ({ value: s, label: testScopeLabels[s] }));
const alternativeOptions = ALTERNATIVE_RECOVERIES.map((a) => ({ value: a, label: alternativeRecoveryLabels[a] }));

/** One small form per rollback action, from its request body schema (domain rollback-requests.ts). */
export const ROLLBACK_FORMS: Record<RollbackActionType, RollbackActionForm> = {
  confirmPriority: {
    schema: ConfirmRollbackPriorityBodySchema,
    intro:
      "A rollback is not automatically an emergency: confirm or change its release priority. The SLA clock follows the priority in force.",
    fields: [
      { name: "priority", label: "Rollback priority", kind: "select", required: true, options: priorityOptions },
      {
        name: "rationale",
        label: "Rationale",
        kind: "textarea",
        required: true,
        description: "What the update breaks, how many computers, what helps meanwhile",
      },
    ],
  },
  markNotFeasible: {
    schema: MarkNotFeasibleBodySchema,
    intro: "The update cannot be removed after all: the rollback stops and an alternative recovery is chosen.",
    danger: true,
    fields: [{ name: "reason", label: "Why it cannot be removed", kind: "textarea", required: true }],
  },
  chooseAlternative: {
    schema: ChooseAlternativeBodySchema,
    intro: "Recover the affected computers another way.",
    fields: [
      { name: "alternative", label: "Recovery", kind: "radio", required: true, options: alternativeOptions },
      {
        name: "plan",
        label: "Recovery plan",
        kind: "textarea",
        required: true,
        description: "Which computers, from what, by when",
      },
    ],
  },
  halt: {
    schema: RollbackHaltBodySchema,
    intro:
      "Disables the update's program on every computer where it is advertised (Program Properties ▸ Advanced ▸ Disable this program on computers where it is advertised). Cases deploying it move to Halted.",
    danger: true,
    fields: [
      { name: "reason", label: "Why the deployments are halted", kind: "textarea", required: true },
      {
        name: "alsoDisableAdvertisement",
        label: "Also disable the advertisements",
        kind: "checkbox",
        description: "Clients then stop seeing the advertisement entirely",
      },
    ],
  },
  authorise: {
    schema: AuthoriseRollbackBodySchema,
    intro:
      "Decide to roll the update back instead of resuming its deployment. The update's case moves to Rolling back.",
    fields: [{ name: "note", label: "Note (optional)", kind: "textarea" }],
  },
  cleanPackages: {
    schema: CleanPackagesBodySchema,
    intro:
      "Carries out the clean-up shown above; it cannot be undone. If the packages changed since, nothing happens and the new preview is shown.",
    danger: true,
    fields: [],
  },
  build: {
    schema: BuildRollbackBodySchema,
    intro:
      "Creates the rollback package (kind Rollback) with the check-first program (option A) and the plain uninstall program (option B).",
    fields: [
      {
        name: "packageId",
        label: "Package ID (optional)",
        kind: "text",
        monospace: true,
        description: "Leave empty for the next free ID of the central site, e.g. CEN00030",
      },
    ],
  },
  addTest: {
    schema: AddRollbackTestBodySchema,
    intro: "Acceptance tests of the rollback package, run before it is advertised.",
    fields: [
      { name: "name", label: "Test", kind: "text", required: true },
      { name: "scope", label: "Scope", kind: "radio", required: true, options: scopeOptions },
    ],
  },
  recordTestResult: {
    schema: RecordRollbackTestBodySchema,
    intro: "Record what the test showed.",
    fields: [
      {
        name: "result",
        label: "Result",
        kind: "radio",
        required: true,
        options: [
          { value: "PASSED", label: "Passed" },
          { value: "FAILED", label: "Failed" },
          { value: "SKIPPED", label: "Skipped" },
        ],
      },
      { name: "notes", label: "Notes", kind: "textarea" },
      { name: "skipReason", label: "Why it is skipped", kind: "text" },
    ],
  },
  acceptReducedTesting: {
    schema: AcceptRollbackReducedTestingBodySchema,
    intro:
      "Emergency rollbacks only, under emergency authority: advertise once the core-functionality tests pass; the rest keep running.",
    fields: [{ name: "rationale", label: "Why this is the lesser risk", kind: "textarea", required: true }],
  },
  acceptRelease: {
    schema: AcceptRollbackBodySchema,
    intro: "The rollback package passed its acceptance tests and may be advertised.",
    fields: [],
  },
  advertise: {
    schema: AdvertiseRollbackBodySchema,
    intro: "Advertises the rollback as a mandatory assignment, as soon as possible, to the targets you chose.",
    fields: [],
  },
  verify: {
    schema: VerifyRollbackBodySchema,
    intro:
      "Reads compliance and the rollback advertisement's status for every targeted computer. Failed and unreachable computers become out-of-band tasks (once each); tasks of computers now without the update are closed as not needed.",
    fields: [
      {
        name: "graceHours",
        label: "Grace window (hours)",
        kind: "number",
        description: `A computer with no status from the rollback this long after advertising, or not heard from for this long, counts as unreachable. Default ${DEFAULT_VERIFY_GRACE_HOURS} hours.`,
      },
      { name: "note", label: "Note (optional)", kind: "textarea" },
    ],
  },
  review: {
    schema: ReviewRollbackBodySchema,
    intro: "The post-implementation review: outcome against the time frame, deviations, lessons.",
    fields: [
      { name: "text", label: "Review", kind: "textarea", required: true },
      {
        name: "outcomeNote",
        label: "Outcome with computers left",
        kind: "textarea",
        description:
          "Needed while computers still have the update: why the rollback is reviewed now (e.g. they are out-of-band tasks, or decommissioned)",
      },
    ],
  },
  close: {
    schema: CloseRollbackBodySchema,
    intro: "Closes the rollback.",
    fields: [
      {
        name: "note",
        label: "Closing note",
        kind: "textarea",
        description: "After an alternative recovery: how the affected computers were recovered",
      },
    ],
  },
  cancel: {
    schema: CancelRollbackBodySchema,
    intro: "Stops the rollback before it is advertised. Halted programs stay disabled.",
    danger: true,
    fields: [{ name: "reason", label: "Why it is cancelled", kind: "textarea", required: true }],
  },
};

export function initialRollbackValues(type: RollbackActionType, r: RollbackDetail): RollbackFormValues {
  const values: RollbackFormValues = {};
  for (const f of ROLLBACK_FORMS[type].fields) values[f.name] = f.kind === "checkbox" ? false : "";
  if (type === "confirmPriority") values.priority = r.priority;
  if (type === "addTest") values.scope = "CORE";
  if (type === "verify")
    values.graceHours = String(r.record.verifications.at(-1)?.graceHours ?? DEFAULT_VERIFY_GRACE_HOURS);
  return values;
}

/** The form's values as the action's body; `fixed` adds what the screen decided (fingerprint, targeting, test). */
export function rollbackActionBody(
  type: RollbackActionType,
  values: RollbackFormValues,
  fixed: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of ROLLBACK_FORMS[type].fields) {
    const raw = values[f.name];
    if (f.kind === "checkbox") body[f.name] = raw === true;
    else if (f.kind === "number") {
      const text = String(raw ?? "").trim();
      // Not a number stays text, so the schema names the field.
      if (text !== "") body[f.name] = Number.isFinite(Number(text)) ? Number(text) : text;
    } else {
      const text = String(raw ?? "");
      if (text !== "" || f.required) body[f.name] = text;
    }
  }
  return { ...body, ...fixed };
}
