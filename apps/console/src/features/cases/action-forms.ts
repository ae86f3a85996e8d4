import {
  AbandonRollbackBodySchema,
  AcceptReducedTestingBodySchema,
  AcceptReleaseBodySchema,
  BuildReleaseBodySchema,
  CloseCaseBodySchema,
  ConfirmPriorityBodySchema,
  DeferBodySchema,
  HaltBodySchema,
  HASH_ALGORITHMS,
  MarkDeployedBodySchema,
  MarkNotRelevantBodySchema,
  MarkRelevantBodySchema,
  MarkRolledBackBodySchema,
  PlanReleaseBodySchema,
  RELEASE_PRIORITIES,
  releasePriorityLabels,
  ReopenBodySchema,
  ResumeBodySchema,
  ReviewBodySchema,
  RFC_CATEGORIES,
  rfcCategoryLabels,
  StartDeploymentBodySchema,
  StartEvaluationBodySchema,
  StartRollbackBodySchema,
  StartTestingBodySchema,
  SubmitRfcBodySchema,
  VerifySourceBodySchema,
  type CaseActionType,
  type CaseDetail,
} from "@firebreak/domain";
import type { z } from "zod";

export type FieldKind = "text" | "textarea" | "select" | "checkbox" | "yesno" | "datetime" | "date" | "advertisement";

export interface FieldSpec {
  /** Dotted path in the body, e.g. `rationale.scope`. */
  name: string;
  label: string;
  kind: FieldKind;
  description?: string;
  required?: boolean;
  options?: readonly { value: string; label: string }[];
  placeholder?: string;
  monospace?: boolean;
}

export interface ActionForm {
  /** The body schema the API validates the action with. */
  schema: z.ZodType;
  fields: readonly FieldSpec[];
  /** What the action does, in a sentence. */
  intro: string;
  /** Stops a deployment or discards work: drawn in red. */
  danger?: boolean;
}

const priorityOptions = RELEASE_PRIORITIES.map((p) => ({ value: p, label: releasePriorityLabels[p] }));
const categoryOptions = RFC_CATEGORIES.map((c) => ({ value: c, label: rfcCategoryLabels[c] }));

/** One small form per case action, built from its request body schema (process/requests.ts). */
export const ACTION_FORMS: Record<CaseActionType, ActionForm> = {
  markRelevant: {
    schema: MarkRelevantBodySchema,
    intro: "The update applies to our estate: the case moves on to obtaining and verifying the source files.",
    fields: [
      {
        name: "evidence",
        label: "Where it applies",
        kind: "textarea",
        required: true,
        description: "Which products or assets in our estate the update applies to",
      },
    ],
  },
  markNotRelevant: {
    schema: MarkNotRelevantBodySchema,
    intro: "The update does not apply to our estate; the case stops here.",
    danger: true,
    fields: [{ name: "reason", label: "Why it does not apply", kind: "textarea", required: true }],
  },
  verifySource: {
    schema: VerifySourceBodySchema,
    intro: "Record that the source files were obtained and checked (gate G2).",
    fields: [
      {
        name: "hashAlgorithm",
        label: "Hash algorithm",
        kind: "select",
        required: true,
        options: HASH_ALGORITHMS.map((a) => ({ value: a, label: a === "SHA256" ? "SHA-256" : "SHA-1" })),
      },
      { name: "hash", label: "Hash of the source files", kind: "text", required: true, monospace: true },
      { name: "checks.genuine", label: "Genuine: the signature or vendor hash matches", kind: "checkbox" },
      { name: "checks.virusFree", label: "Virus-free: the scan was clean", kind: "checkbox" },
      { name: "checks.installsCleanly", label: "Installs cleanly on a test machine", kind: "checkbox" },
      { name: "notes", label: "Notes", kind: "textarea" },
    ],
  },
  submitRfc: {
    schema: SubmitRfcBodySchema,
    intro: "Hand the case to Evaluate & Plan with an initial release priority. The SLA clock starts now.",
    fields: [
      {
        name: "initialPriority",
        label: "Initial release priority",
        kind: "select",
        required: true,
        options: priorityOptions,
        description: "Your team's decision; the vendor severity is only an input",
      },
      { name: "category", label: "RFC category", kind: "select", required: true, options: categoryOptions },
      { name: "rationale", label: "Why this priority", kind: "textarea", required: true },
    ],
  },
  startEvaluation: {
    schema: StartEvaluationBodySchema,
    intro: "The patch management team starts reviewing the RFC.",
    fields: [],
  },
  confirmPriority: {
    schema: ConfirmPriorityBodySchema,
    intro:
      "A named person confirms or changes the priority (gate G4). Confirming an Emergency needs the ERT lead or an active emergency-authority grant.",
    fields: [
      {
        name: "finalPriority",
        label: "Confirmed release priority",
        kind: "select",
        required: true,
        options: priorityOptions,
      },
      {
        name: "category",
        label: "RFC category",
        kind: "select",
        options: categoryOptions,
        description: "Leave empty to keep the RFC's category",
      },
      {
        name: "rationale.assetsExposed",
        label: "Assets exposed",
        kind: "textarea",
        required: true,
        description: "Which assets the vulnerability touches and whether they are critical",
      },
      {
        name: "rationale.mitigations",
        label: "Mitigations",
        kind: "textarea",
        required: true,
        description: 'Which mitigations exist or can be added (or "none")',
      },
      {
        name: "rationale.scope",
        label: "Scope",
        kind: "textarea",
        required: true,
        description: "How many systems the update really has to reach",
      },
      { name: "rationale.exploitedInTheWild", label: "Exploited in the wild?", kind: "yesno", required: true },
    ],
  },
  defer: {
    schema: DeferBodySchema,
    intro: "A Low or Medium release waits for a service pack or update rollup.",
    fields: [
      { name: "reason", label: "What it waits for", kind: "textarea", required: true },
      { name: "revisitAt", label: "Revisit on", kind: "date" },
    ],
  },
  reopen: {
    schema: ReopenBodySchema,
    intro: "Evaluate the deferred case again.",
    fields: [{ name: "reason", label: "Why it is evaluated again", kind: "textarea", required: true }],
  },
  plan: {
    schema: PlanReleaseBodySchema,
    intro: "Targets, schedule and release mechanism are planned.",
    fields: [
      { name: "plannedStartAt", label: "Planned start", kind: "datetime" },
      { name: "note", label: "Plan notes", kind: "textarea" },
    ],
  },
  build: {
    schema: BuildReleaseBodySchema,
    intro: "The SMS package, program and advertisement are being built.",
    fields: [
      {
        name: "packageId",
        label: "Package ID",
        kind: "text",
        monospace: true,
        description: "If the package exists already, e.g. CEN0001A",
      },
    ],
  },
  startTesting: {
    schema: StartTestingBodySchema,
    intro: "Acceptance testing starts on the built package; add at least one test first.",
    fields: [{ name: "packageId", label: "Package ID", kind: "text", required: true, monospace: true }],
  },
  acceptReducedTesting: {
    schema: AcceptReducedTestingBodySchema,
    intro:
      "Emergency only: every core-functionality test passed and you accept deploying before the full suite has run. The open tests stay visible through and after deployment, with your name on the decision.",
    fields: [{ name: "rationale", label: "Why this is the lesser risk", kind: "textarea", required: true }],
  },
  acceptRelease: {
    schema: AcceptReleaseBodySchema,
    intro: "The release is built and accepted (gate G5): it is ready to deploy.",
    fields: [],
  },
  startDeployment: {
    schema: StartDeploymentBodySchema,
    intro:
      "The advertisement goes live. Under an Emergency it must be mandatory, also over slow links (the policy's advertisement requirements).",
    fields: [{ name: "advertisementId", label: "Advertisement", kind: "advertisement", required: true }],
  },
  halt: {
    schema: HaltBodySchema,
    intro:
      'Stops the release: "Disable this program on computers where it is advertised" is set on the program at once.',
    danger: true,
    fields: [
      { name: "reason", label: "Why the deployment is halted", kind: "textarea", required: true },
      { name: "alsoDisableAdvertisement", label: "Also disable the advertisement", kind: "checkbox" },
    ],
  },
  resume: {
    schema: ResumeBodySchema,
    intro: "Enables the program again; clients start installing again.",
    fields: [{ name: "reason", label: "Why it is safe to resume", kind: "textarea", required: true }],
  },
  markDeployed: {
    schema: MarkDeployedBodySchema,
    intro: "The deployment reached its targets (gate G6, 95 % compliance by default). The SLA clock stops.",
    fields: [{ name: "note", label: "Note", kind: "textarea" }],
  },
  startRollback: {
    schema: StartRollbackBodySchema,
    intro: "Build, target and deploy the removal of the update.",
    danger: true,
    fields: [{ name: "reason", label: "Why the update is rolled back", kind: "textarea", required: true }],
  },
  abandonRollback: {
    schema: AbandonRollbackBodySchema,
    intro:
      "The rollback stopped after it started (cancelled, or the update cannot be removed after all): the deployment stays halted. An open rollback does this itself.",
    fields: [{ name: "reason", label: "Why the rollback stopped", kind: "textarea", required: true }],
  },
  markRolledBack: {
    schema: MarkRolledBackBodySchema,
    intro: "The update was removed where it had been applied.",
    fields: [{ name: "evidence", label: "How the removal was verified", kind: "textarea", required: true }],
  },
  review: {
    schema: ReviewBodySchema,
    intro: "The post-implementation review (gate G7): outcome against the time frame, deviations, lessons.",
    fields: [{ name: "text", label: "Review", kind: "textarea", required: true }],
  },
  close: {
    schema: CloseCaseBodySchema,
    intro: "Close the RFC; lessons go back to Assess.",
    fields: [{ name: "reason", label: "Reason", kind: "textarea", description: "Needed when closing a deferred case" }],
  },
};

export type ActionValues = Record<string, string | boolean>;

/** Starting values: empty, with what the case already knows filled in. */
export function initialActionValues(type: CaseActionType, c: CaseDetail): ActionValues {
  const values: ActionValues = {};
  for (const f of ACTION_FORMS[type].fields) values[f.name] = f.kind === "checkbox" ? false : "";
  if (type === "verifySource") values.hashAlgorithm = "SHA256";
  if (type === "confirmPriority" && c.record.rfc) values.finalPriority = c.record.rfc.initialPriority;
  if ((type === "startTesting" || type === "build") && c.record.packageId) values.packageId = c.record.packageId;
  if (type === "startDeployment" && c.record.advertisementId) values.advertisementId = c.record.advertisementId;
  return values;
}

/** `YYYY-MM-DDTHH:mm` or `YYYY-MM-DD` in the reader's zone → ISO instant; anything else undefined. */
function localToIso(value: string, kind: "date" | "datetime"): string | undefined {
  if (!value) return undefined;
  const local = kind === "date" ? `${value}T09:00` : value;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The form's flat values as the action's body (nested by the dotted names). */
export function actionBody(type: CaseActionType, values: ActionValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of ACTION_FORMS[type].fields) {
    const raw = values[f.name];
    let value: unknown;
    if (f.kind === "checkbox") value = raw === true;
    else if (f.kind === "yesno") value = raw === "yes" ? true : raw === "no" ? false : undefined;
    else if (f.kind === "date" || f.kind === "datetime") value = localToIso(String(raw ?? ""), f.kind);
    else {
      const text = String(raw ?? "");
      value = text === "" && (!f.required || f.kind === "select" || f.kind === "advertisement") ? undefined : text;
    }
    if (value === undefined) continue;
    const path = f.name.split(".");
    let target = body;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = value;
  }
  return body;
}
