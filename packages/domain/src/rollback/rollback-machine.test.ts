import { describe, expect, it } from "vitest";
import type { Role } from "../auth/roles.js";
import type { ReleasePriority } from "../process/priority.js";
import type { SoftwareUpdate } from "../process/updates.js";
import { AdvertFlags } from "../sms/flags.js";
import {
  ROLLBACK_ACTION_RULES,
  availableRollbackActions,
  openRollback,
  rollbackPriorityInForce,
  rollbackSteps,
  transitionRollback,
  type RollbackContext,
  type RollbackRecord,
  type RollbackTransitionResult,
} from "./rollback-machine.js";
import {
  assessRollback,
  packageCleanupPlan,
  rollbackPrograms,
  rollbackTargetingCounts,
  rollbackVerification,
  targetingFiguresOf,
  type RollbackAssessment,
  type RollbackVerificationResult,
} from "./rollback-plan.js";
import type { RollbackActionInput } from "./rollback-requests.js";
import { ROLLBACK_ACTIONS, ROLLBACK_STATES, type RollbackState } from "./rollback-states.js";

const T0 = Date.parse("2026-03-10T09:00:00Z");
const HOUR = 3_600_000;
const ID = "00000000-0000-4000-8000-000000000777";
const actor = (role: Role, hasActiveGrant = false) => ({ userId: `${role.toLowerCase()}-1`, role, hasActiveGrant });
const LEAD = actor("ERT_LEAD");
const MEMBER = actor("ERT_MEMBER");
const SMS = actor("SMS_ADMIN");
const OBSERVER = actor("OBSERVER");

const update: SoftwareUpdate = {
  bulletinId: "MS04-011",
  kbNumber: "KB835732",
  title: "Security Update for Microsoft Windows (LSASS)",
  classification: "SECURITY_UPDATE",
  vendorSeverity: "CRITICAL",
  products: ["Windows XP"],
  releasedAt: "2004-04-13T17:00:00.000Z",
  sizeKB: 5120,
  installerEngine: "UPDATE_EXE",
  installCommand: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
  rollbackability: "REMOVABLE",
  uninstallCommand: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart",
  detectionRule: { registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" },
  requiresRestart: "YES",
  supersedes: [],
  touchesFiles: ["lsasrv.dll"],
  rollbackNotes: null,
};
const original = {
  advertisementId: "CEN2000A",
  collectionId: "CEN00010",
  includeSubCollection: true,
  packageId: "CEN00021",
  programName: "Install KB835732",
};
const plan = packageCleanupPlan(
  [
    {
      packageId: "CEN00021",
      name: "LSASS",
      version: 1,
      sourceVersion: 1,
      kind: "DEPLOY",
      updateIds: ["KB835732", "KB828741"],
      advertisements: [{ advertisementId: "CEN2000A", state: "ACTIVE" }],
    },
  ],
  "KB835732",
);
const targeting = rollbackTargetingCounts({
  kbNumber: "KB835732",
  original,
  figures: targetingFiguresOf(
    [1001, 1002, 1003],
    [
      { resourceId: 1001, state: "INSTALLED" },
      { resourceId: 1002, state: "REQUIRED" },
    ],
  ),
});

function ctx(a = LEAD, extra: Partial<RollbackContext> = {}, at = T0): RollbackContext {
  return { now: at, actor: a, rollbackId: ID, ...extra };
}
function ok(r: RollbackTransitionResult): Extract<RollbackTransitionResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}
function refused(r: RollbackTransitionResult): Extract<RollbackTransitionResult, { ok: false }> {
  if (r.ok) throw new Error(`expected a refusal, got ${r.next.status}`);
  return r;
}
const step = (r: RollbackRecord, action: RollbackActionInput, context: RollbackContext = ctx()) =>
  ok(transitionRollback(r, action, context)).next;

const opened = (assessment: RollbackAssessment = assessRollback(update, []), priority: ReleasePriority = "HIGH") =>
  openRollback(
    { kbNumber: "KB835732", reason: "Logons fail on XP SP1 clients", initialPriority: priority, assessment, original },
    { now: T0, actor: MEMBER, rollbackId: ID },
  );

const CONTEXT: Partial<RollbackContext> = {
  cleanupPlan: plan,
  programs: rollbackPrograms(update),
  allocated: { packageId: "CEN00030", advertisementId: "CEN20010", collectionId: "CEN00040" },
  targeting,
};

/** Drives a new rollback along the happy path to `target`. */
function rollbackAt(target: RollbackState, priority: ReleasePriority = "HIGH"): RollbackRecord {
  let r = opened(undefined, priority).record;
  const path: [RollbackState, RollbackActionInput][] = [
    ["HALTED", { type: "halt", reason: "Logons fail" }],
    ["HALTED", { type: "confirmPriority", priority, rationale: "Logons fail on 300 desktops" }],
    ["HALTED", { type: "authorise" }],
    ["PACKAGE_CLEANED", { type: "cleanPackages", fingerprint: plan.fingerprint }],
    ["BUILT", { type: "build" }],
    ["BUILT", { type: "addTest", name: "Logon works after removal", scope: "CORE" }],
    ["BUILT", { type: "recordTestResult", testId: "t1", result: "PASSED" }],
    ["READY", { type: "acceptRelease" }],
    ["DEPLOYING", { type: "advertise", targeting: "APPLIED_ONLY" }],
  ];
  for (const [state, action] of path) {
    if (r.status === target) return r;
    r = step(r, action, ctx(LEAD, CONTEXT));
    expect(r.status).toBe(state);
  }
  if (r.status === target) return r;
  throw new Error(`cannot reach ${target}`);
}

/** HALTED with the priority confirmed and the rollback authorised: ready for the clean-up. */
const decidedHalted = () =>
  step(
    step(rollbackAt("HALTED"), { type: "confirmPriority", priority: "HIGH", rationale: "Logons fail on 300 desktops" }),
    {
      type: "authorise",
    },
  );

describe("opening a rollback", () => {
  it("is REQUESTED with its own priority and SLA clock; an Emergency pages the ERT", () => {
    const { record, effects } = opened(undefined, "EMERGENCY");
    expect(record.status).toBe("REQUESTED");
    expect(record.sla).toEqual({ priority: "EMERGENCY", since: new Date(T0).toISOString(), stoppedAt: null });
    expect(rollbackPriorityInForce(record)).toBe("EMERGENCY");
    expect(effects.map((e) => e.type)).toEqual(["TIMELINE", "START_SLA_CLOCK", "PAGE_ERT"]);
    const event = effects[0]!.type === "TIMELINE" ? effects[0].event : null;
    expect(event).toMatchObject({
      type: "ROLLBACK_TRANSITION",
      payload: { rollbackId: ID, action: "open", to: "REQUESTED" },
    });
    expect(opened().effects.some((e) => e.type === "PAGE_ERT")).toBe(false);
  });

  it("stops at NOT_FEASIBLE when the update cannot be removed", () => {
    const assessment = assessRollback({ ...update, rollbackability: "NOT_REMOVABLE", uninstallCommand: null }, []);
    const { record } = opened(assessment);
    expect(record.status).toBe("NOT_FEASIBLE");
    const r = refused(transitionRollback(record, { type: "authorise" }, ctx()));
    expect(r.code).toBe("ILLEGAL_TRANSITION");
  });
});

describe("checks run in order: body, state, role, guards", () => {
  it("answers an invalid body with VALIDATION_FAILED before anything else", () => {
    const r = refused(transitionRollback(opened().record, { type: "halt", reason: "x" }, ctx(OBSERVER)));
    expect(r.code).toBe("VALIDATION_FAILED");
    expect(r.reason).toMatch(/^reason: Say why the deployments are halted/);
  });

  it("refuses an action outside its states with ILLEGAL_TRANSITION naming where it may start", () => {
    const r = refused(transitionRollback(opened().record, { type: "cleanPackages", fingerprint: "x" }, ctx(OBSERVER)));
    expect(r.code).toBe("ILLEGAL_TRANSITION");
    expect(r.reason).toBe(
      "Clean up the packages is not possible while the rollback is requested; it needs: Deployment halted.",
    );
  });

  it("refuses every action in every state it cannot start from", () => {
    const samples: Record<RollbackState, RollbackRecord> = Object.fromEntries(
      ROLLBACK_STATES.map((s) => [s, { ...opened().record, status: s }]),
    ) as Record<RollbackState, RollbackRecord>;
    for (const action of ROLLBACK_ACTIONS) {
      for (const s of ROLLBACK_STATES) {
        if (ROLLBACK_ACTION_RULES[action].from.includes(s)) continue;
        const body: RollbackActionInput = { type: action } as RollbackActionInput;
        const r = transitionRollback(samples[s], body, ctx());
        expect(r.ok, `${action} from ${s}`).toBe(false);
        if (!r.ok && r.code !== "VALIDATION_FAILED") expect(r.code, `${action} from ${s}`).toBe("ILLEGAL_TRANSITION");
      }
    }
  });

  it("refuses a role without the permission with FORBIDDEN naming who may", () => {
    const r = refused(transitionRollback(opened().record, { type: "halt", reason: "Logons fail" }, ctx(OBSERVER)));
    expect(r.code).toBe("FORBIDDEN");
    expect(r.reason).toBe(
      "Halt deployments of the update needs the ERT lead or SMS administrator role, or an active emergency-authority grant; your role is Observer / auditor.",
    );
    const halted = rollbackAt("HALTED");
    expect(refused(transitionRollback(halted, { type: "authorise" }, ctx(MEMBER))).reason).toMatch(
      /needs the ERT lead or a holder of an active emergency-authority grant/,
    );
    expect(
      ok(transitionRollback(halted, { type: "authorise" }, ctx(actor("ERT_MEMBER", true)))).next.authorisation,
    ).not.toBeNull();
  });
});

describe("priority", () => {
  it("is confirmed by a named person with a rationale; a change restarts the SLA clock", () => {
    const r = opened().record;
    const same = ok(
      transitionRollback(
        r,
        { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops fail logon" },
        ctx(MEMBER, {}, T0 + HOUR),
      ),
    );
    expect(same.next.priorityConfirmation).toMatchObject({
      priority: "HIGH",
      confirmedBy: "ert_member-1",
      confirmedByRole: "ERT_MEMBER",
    });
    expect(same.next.sla?.since).toBe(new Date(T0).toISOString());
    const changed = ok(
      transitionRollback(
        r,
        { type: "confirmPriority", priority: "MEDIUM", rationale: "Only 3 kiosks fail" },
        ctx(MEMBER, {}, T0 + HOUR),
      ),
    );
    expect(changed.next.sla).toMatchObject({ priority: "MEDIUM", since: new Date(T0 + HOUR).toISOString() });
    expect(changed.effects).toContainEqual({
      type: "START_SLA_CLOCK",
      priority: "MEDIUM",
      since: new Date(T0 + HOUR).toISOString(),
      restarted: true,
    });
  });

  it("needs emergency authority for an Emergency, and pages the ERT", () => {
    const r = opened().record;
    const denied = refused(
      transitionRollback(
        r,
        { type: "confirmPriority", priority: "EMERGENCY", rationale: "Domain controllers crash" },
        ctx(MEMBER),
      ),
    );
    expect(denied.code).toBe("FORBIDDEN");
    const granted = ok(
      transitionRollback(
        r,
        { type: "confirmPriority", priority: "EMERGENCY", rationale: "Domain controllers crash" },
        ctx(actor("ERT_MEMBER", true)),
      ),
    );
    expect(granted.next.priorityConfirmation?.underAuthorityGrant).toBe(true);
    expect(granted.effects.some((e) => e.type === "PAGE_ERT")).toBe(true);
  });

  it("downgrading from Emergency drops the reduced-testing acceptance and sends an accepted package back to testing", () => {
    let r = builtWithCoreTest("EMERGENCY");
    r = step(r, { type: "addTest", name: "Full regression", scope: "FULL" });
    r = step(r, { type: "acceptReducedTesting", rationale: "Crashes are spreading hourly" });
    r = step(r, { type: "acceptRelease" });
    expect(r.status).toBe("READY");
    const down = ok(
      transitionRollback(r, { type: "confirmPriority", priority: "HIGH", rationale: "Contained by a GPO now" }, ctx()),
    );
    expect(down.next).toMatchObject({ status: "BUILT", reducedTestingAcceptance: null, acceptance: null });
    expect(down.warnings).toHaveLength(2);
  });
});

describe("feasibility", () => {
  it("a person can stop it as not feasible; an alternative recovery is chosen and closed with how it went", () => {
    let r = rollbackAt("HALTED");
    r = step(r, { type: "markNotFeasible", reason: "The $NtUninstall$ folders were cleaned up" });
    expect(r.status).toBe("NOT_FEASIBLE");
    expect(r.assessment).toMatchObject({
      feasible: false,
      alternatives: ["RESTORE_FROM_BACKUP", "REBUILD", "SPARE_HARDWARE"],
    });
    expect(refused(transitionRollback(r, { type: "authorise" }, ctx())).code).toBe("ILLEGAL_TRANSITION");
    r = step(r, {
      type: "chooseAlternative",
      alternative: "REBUILD",
      plan: "Re-image the 40 affected desktops tonight",
    });
    expect(r.status).toBe("ALT_RECOVERY");
    expect(refused(transitionRollback(r, { type: "close" }, ctx(SMS))).code).toBe("VALIDATION_FAILED");
    r = step(r, { type: "close", note: "All 40 re-imaged and checked" }, ctx(SMS));
    expect(r).toMatchObject({ status: "CLOSED", closeNote: "All 40 re-imaged and checked" });
    expect(r.sla?.stoppedAt).toBe(new Date(T0).toISOString());
  });

  it("an infeasible rollback can still halt the update's deployments, once, and stays where it is", () => {
    const assessment = assessRollback({ ...update, rollbackability: "NOT_REMOVABLE", uninstallCommand: null }, []);
    let r = opened(assessment).record;
    const halted = ok(transitionRollback(r, { type: "halt", reason: "Stop the damage spreading" }, ctx(SMS)));
    expect(halted.next.status).toBe("NOT_FEASIBLE");
    expect(halted.effects).toContainEqual({
      type: "HALT_RELEASE",
      kbNumber: "KB835732",
      reason: "Stop the damage spreading",
      alsoDisableAdvertisement: false,
    });
    r = halted.next;
    expect(refused(transitionRollback(r, { type: "halt", reason: "Again please" }, ctx(SMS))).reason).toMatch(
      /halted already/,
    );
  });
});

describe("halt, authorisation and package clean-up", () => {
  it("halts every deployment of the update (the API calls the halt) and can disable the advertisements too", () => {
    const res = ok(
      transitionRollback(
        opened().record,
        { type: "halt", reason: "Logons fail", alsoDisableAdvertisement: true },
        ctx(SMS),
      ),
    );
    expect(res.next.status).toBe("HALTED");
    expect(res.next.halt).toMatchObject({
      reason: "Logons fail",
      alsoDisableAdvertisement: true,
      haltedBy: "sms_admin-1",
    });
    expect(res.effects).toContainEqual({
      type: "HALT_RELEASE",
      kbNumber: "KB835732",
      reason: "Logons fail",
      alsoDisableAdvertisement: true,
    });
  });

  it("authorising moves the update's case to ROLLING_BACK, once", () => {
    const res = ok(
      transitionRollback(rollbackAt("HALTED"), { type: "authorise", note: "Rollback, not resume" }, ctx()),
    );
    expect(res.next.status).toBe("HALTED");
    expect(res.effects).toContainEqual({
      type: "CASE_STEP",
      action: "startRollback",
      reason: "Logons fail on XP SP1 clients",
    });
    expect(refused(transitionRollback(res.next, { type: "authorise" }, ctx())).reason).toMatch(/authorised already/);
  });

  it("cleans up only the branch that was shown: a changed fingerprint is a CONFLICT", () => {
    const r = decidedHalted();
    const stale = refused(transitionRollback(r, { type: "cleanPackages", fingerprint: "cp-old" }, ctx(SMS, CONTEXT)));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.reason).toMatch(/changed since the clean-up preview/);
    expect(
      refused(transitionRollback(r, { type: "cleanPackages", fingerprint: plan.fingerprint }, ctx(SMS))).code,
    ).toBe("ILLEGAL_TRANSITION");
    const done = ok(transitionRollback(r, { type: "cleanPackages", fingerprint: plan.fingerprint }, ctx(SMS, CONTEXT)));
    expect(done.next.status).toBe("PACKAGE_CLEANED");
    expect(done.effects).toContainEqual({ type: "CLEAN_PACKAGES", plan });
    const nothing = packageCleanupPlan([], "KB835732");
    const empty = ok(
      transitionRollback(
        r,
        { type: "cleanPackages", fingerprint: nothing.fingerprint },
        ctx(SMS, { cleanupPlan: nothing }),
      ),
    );
    expect(empty.effects.some((e) => e.type === "CLEAN_PACKAGES")).toBe(false);
  });
});

/** HALTED without the priority confirmation or the authorisation. */
const undecided = () => step(opened().record, { type: "halt", reason: "Logons fail" });

/** BUILT with one core test, passed. */
const builtWithCoreTest = (priority: ReleasePriority = "HIGH") => {
  let r = rollbackAt("BUILT", priority);
  r = step(r, { type: "addTest", name: "Logon works after removal", scope: "CORE" });
  return step(r, { type: "recordTestResult", testId: "t1", result: "PASSED" });
};

describe("build and acceptance", () => {
  it("the clean-up, which cannot be undone, needs the confirmed priority and the authorisation first", () => {
    let r = undecided();
    const clean = { type: "cleanPackages", fingerprint: plan.fingerprint } as const;
    const noPriority = refused(transitionRollback(r, clean, ctx(SMS, CONTEXT)));
    expect(noPriority.code).toBe("ILLEGAL_TRANSITION");
    expect(noPriority.reason).toMatch(/confirm the rollback's priority.*cannot be undone/);
    r = step(r, { type: "confirmPriority", priority: "HIGH", rationale: "Logons fail on 300 desktops" });
    expect(refused(transitionRollback(r, clean, ctx(SMS, CONTEXT))).reason).toMatch(
      /must authorise the rollback before the packages are cleaned up/,
    );
    expect(
      availableRollbackActions(r, "SMS_ADMIN", false, { cleanupPlan: plan }).find((a) => a.action === "cleanPackages"),
    ).toMatchObject({ enabled: false, reason: expect.stringMatching(/must authorise the rollback/) });
    r = step(r, { type: "authorise" });
    expect(ok(transitionRollback(r, clean, ctx(SMS, CONTEXT))).next.status).toBe("PACKAGE_CLEANED");
  });

  it("package, program and advertisement changes are the SMS administrator's or the ERT lead's, not an ERT member's", () => {
    const halted = rollbackAt("HALTED");
    const decided = step(
      step(halted, { type: "confirmPriority", priority: "HIGH", rationale: "Logons fail on 300 desktops" }),
      {
        type: "authorise",
      },
    );
    for (const [r, action] of [
      [decided, { type: "cleanPackages", fingerprint: plan.fingerprint }],
      [rollbackAt("PACKAGE_CLEANED"), { type: "build" }],
      [rollbackAt("READY"), { type: "advertise", targeting: "APPLIED_ONLY" }],
    ] as const) {
      const denied = refused(transitionRollback(r, action, ctx(MEMBER, CONTEXT)));
      expect(denied.code, action.type).toBe("FORBIDDEN");
      expect(denied.reason, action.type).toMatch(
        /needs the ERT lead or SMS administrator role, or an active emergency-authority grant; your role is ERT member/,
      );
      expect(transitionRollback(r, action, ctx(actor("ERT_MEMBER", true), CONTEXT)).ok, action.type).toBe(true);
      expect(transitionRollback(r, action, ctx(SMS, CONTEXT)).ok, action.type).toBe(true);
    }
  });

  it("builds the package from the update's programs, and not when they have issues", () => {
    const r = rollbackAt("PACKAGE_CLEANED");
    const bad = rollbackPrograms({ ...update, uninstallCommand: null, rollbackability: "UNKNOWN" });
    expect(refused(transitionRollback(r, { type: "build" }, ctx(SMS, { ...CONTEXT, programs: bad }))).reason).toMatch(
      /No uninstall command/,
    );
    const built = ok(transitionRollback(r, { type: "build" }, ctx(SMS, CONTEXT)));
    expect(built.next.status).toBe("BUILT");
    const onlyB = rollbackPrograms({ ...update, detectionRule: { registryKey: "HKCU\\Software\\KB835732" } });
    const bOnly = ok(transitionRollback(r, { type: "build" }, ctx(SMS, { ...CONTEXT, programs: onlyB })));
    expect(bOnly.next.build).toMatchObject({ checkFirst: null, plain: { programName: "Roll back KB835732" } });
    expect(bOnly.next.build?.checkFirstIssues[0]).toMatch(/runs as SYSTEM/);
    expect(bOnly.warnings.join(" ")).toMatch(/Option A is unavailable, only option B was built/);
    expect(built.next.build).toMatchObject({ packageId: "CEN00030" });
    const effect = built.effects.find((e) => e.type === "BUILD_PACKAGE");
    expect(effect).toMatchObject({
      packageId: "CEN00030",
      checkFirst: { checksUpdatePresent: true },
      plain: { checksUpdatePresent: false },
    });
  });

  it("records tests; a core test cannot be skipped and an unknown test is a validation error", () => {
    let r = builtWithCoreTest();
    r = step(r, { type: "addTest", name: "Line-of-business apps", scope: "FULL" });
    expect(r.tests.map((t) => t.id)).toEqual(["t1", "t2"]);
    expect(
      refused(transitionRollback(r, { type: "recordTestResult", testId: "t9", result: "PASSED" }, ctx())).code,
    ).toBe("VALIDATION_FAILED");
    expect(
      refused(
        transitionRollback(
          r,
          { type: "recordTestResult", testId: "t1", result: "SKIPPED", skipReason: "n/a here" },
          ctx(),
        ),
      ).reason,
    ).toMatch(/Core-functionality tests cannot be skipped/);
    r = step(r, { type: "recordTestResult", testId: "t2", result: "FAILED", notes: "Payroll breaks" });
    expect(r.tests[1]).toMatchObject({ result: "FAILED", notes: "Payroll breaks", executedBy: "ert_lead-1" });
    expect(refused(transitionRollback(r, { type: "acceptRelease" }, ctx())).reason).toMatch(/failed/);
  });

  it("a non-Emergency rollback needs every test passed", () => {
    let r = builtWithCoreTest();
    r = step(r, { type: "addTest", name: "Line-of-business apps", scope: "FULL" });
    expect(refused(transitionRollback(r, { type: "acceptRelease" }, ctx())).reason).toMatch(
      /every acceptance test must pass/,
    );
    expect(
      refused(transitionRollback(r, { type: "acceptReducedTesting", rationale: "We are in a hurry now" }, ctx()))
        .reason,
    ).toMatch(/only for Emergency rollbacks/);
    r = step(r, { type: "recordTestResult", testId: "t2", result: "PASSED" });
    const accepted = ok(transitionRollback(r, { type: "acceptRelease" }, ctx(SMS)));
    expect(accepted.next.acceptance).toMatchObject({ path: "FULL", openTestIds: [] });
  });

  it("an Emergency rollback may accept reduced testing under emergency authority once core tests pass", () => {
    let r = builtWithCoreTest("EMERGENCY");
    r = step(r, { type: "addTest", name: "Core 2", scope: "CORE" });
    r = step(r, { type: "addTest", name: "Full regression", scope: "FULL" });
    expect(
      refused(transitionRollback(r, { type: "acceptReducedTesting", rationale: "Crashes spread hourly" }, ctx()))
        .reason,
    ).toMatch(/core-functionality test must pass/);
    r = step(r, { type: "recordTestResult", testId: "t2", result: "PASSED" });
    expect(
      refused(transitionRollback(r, { type: "acceptReducedTesting", rationale: "Crashes spread hourly" }, ctx(SMS)))
        .code,
    ).toBe("FORBIDDEN");
    r = step(r, { type: "acceptReducedTesting", rationale: "Crashes spread hourly" }, ctx(actor("SMS_ADMIN", true)));
    expect(r.reducedTestingAcceptance).toMatchObject({ underAuthorityGrant: true, openTestIds: ["t3"] });
    const accepted = ok(transitionRollback(r, { type: "acceptRelease" }, ctx(SMS)));
    expect(accepted.next.acceptance).toMatchObject({ path: "REDUCED", openTestIds: ["t3"] });
    expect(accepted.warnings[0]).toMatch(/stay open/);
  });
});

describe("advertise", () => {
  it("option B builds a collection of the computers with evidence and advertises the plain program", () => {
    const res = ok(
      transitionRollback(rollbackAt("READY"), { type: "advertise", targeting: "APPLIED_ONLY" }, ctx(SMS, CONTEXT)),
    );
    expect(res.next.status).toBe("DEPLOYING");
    expect(res.next.deployment).toMatchObject({
      targeting: "APPLIED_ONLY",
      collectionId: "CEN00040",
      collectionCreated: true,
      programName: "Roll back KB835732",
      targeted: 1,
    });
    expect(res.effects.map((e) => e.type)).toEqual(["TIMELINE", "CREATE_APPLIED_COLLECTION", "ADVERTISE", "TIMELINE"]);
    const ready = res.effects[3];
    expect(ready?.type === "TIMELINE" && ready.event).toMatchObject({
      type: "ROLLBACK_READY",
      payload: { packageId: "CEN00030", advertisementId: "CEN20010", targeting: "APPLIED_ONLY" },
    });
    expect(res.effects[2]).toMatchObject({ type: "ADVERTISE", includeSubCollection: false, priority: 2 });
  });

  it("option A reuses the original collection with the check-first program; Emergency flags when the priority is Emergency", () => {
    const res = ok(
      transitionRollback(
        rollbackAt("READY", "EMERGENCY"),
        { type: "advertise", targeting: "SAME_TARGETS_CHECK_FIRST" },
        ctx(SMS, CONTEXT),
      ),
    );
    expect(res.next.deployment).toMatchObject({
      collectionId: "CEN00010",
      collectionCreated: false,
      programName: "Roll back KB835732 (check first)",
      targeted: 3,
    });
    const ad = res.effects.find((e) => e.type === "ADVERTISE");
    expect(ad).toMatchObject({ includeSubCollection: true, priority: 1 });
    expect(ad?.type === "ADVERTISE" && AdvertFlags.has(ad.advertFlags, "ONSLOWNET")).toBe(true);
    expect(res.warnings[0]).toMatch(/2 targeted computers have no evidence/);
  });

  it("refuses an option that targets nobody, and an order-sensitive rollback until the later updates are removed", () => {
    const none = rollbackTargetingCounts({ kbNumber: "KB835732", original: null, figures: targetingFiguresOf([], []) });
    const r = rollbackAt("READY");
    expect(
      refused(
        transitionRollback(
          r,
          { type: "advertise", targeting: "APPLIED_ONLY" },
          ctx(SMS, { ...CONTEXT, targeting: none }),
        ),
      ).reason,
    ).toMatch(/Neither option/);
    const onlyB = {
      ...targeting,
      sameCollection: { ...targeting.sameCollection, available: false, reason: "No collection." },
    };
    expect(
      refused(
        transitionRollback(
          r,
          { type: "advertise", targeting: "SAME_TARGETS_CHECK_FIRST" },
          ctx(SMS, { ...CONTEXT, targeting: onlyB }),
        ),
      ).reason,
    ).toBe("No collection.");
    const orderSensitive: RollbackRecord = {
      ...r,
      assessment: assessRollback({ ...update, rollbackability: "REMOVABLE_ORDER_SENSITIVE" }, [
        {
          kbNumber: "KB840315",
          title: "Later",
          releasedAt: "2004-06-08T17:00:00.000Z",
          rollbackability: "REMOVABLE",
          touchesFiles: ["lsasrv.dll"],
          supersedes: [],
          products: ["Windows XP"],
        },
      ]),
    };
    expect(
      refused(transitionRollback(orderSensitive, { type: "advertise", targeting: "APPLIED_ONLY" }, ctx(SMS, CONTEXT)))
        .reason,
    ).toMatch(/remove KB840315 first/);
    // The confirmation is checked against compliance on the computers the chosen option targets.
    const still = [{ kbNumber: "KB840315", sameCollection: 0, appliedOnly: 2 }];
    const stillThere = refused(
      transitionRollback(
        orderSensitive,
        { type: "advertise", targeting: "APPLIED_ONLY", laterUpdatesRemoved: true },
        ctx(SMS, { ...CONTEXT, laterStillInstalled: still }),
      ),
    );
    expect(stillThere.code).toBe("ILLEGAL_TRANSITION");
    expect(stillThere.reason).toBe(
      "Compliance still shows KB840315 on 2 targeted computers: remove it first, newest first.",
    );
    expect(
      refused(
        transitionRollback(
          orderSensitive,
          { type: "advertise", targeting: "APPLIED_ONLY", laterUpdatesRemoved: true },
          ctx(SMS, CONTEXT),
        ),
      ).reason,
    ).toMatch(/not known/);
    const confirmed = ok(
      transitionRollback(
        orderSensitive,
        { type: "advertise", targeting: "SAME_TARGETS_CHECK_FIRST", laterUpdatesRemoved: true },
        ctx(SMS, { ...CONTEXT, laterStillInstalled: still }),
      ),
    );
    expect(confirmed.next.deployment?.laterUpdatesRemoved).toBe(true);
  });

  it("binds the advertisement to the count the user was shown: a changed count is a CONFLICT", () => {
    const r = rollbackAt("READY");
    const stale = refused(
      transitionRollback(r, { type: "advertise", targeting: "APPLIED_ONLY", expectedTargeted: 5 }, ctx(SMS, CONTEXT)),
    );
    expect(stale.code).toBe("CONFLICT");
    expect(stale.reason).toMatch(/now targets 1 computer, not the 5 you were shown/);
    expect(
      transitionRollback(r, { type: "advertise", targeting: "APPLIED_ONLY", expectedTargeted: 1 }, ctx(SMS, CONTEXT))
        .ok,
    ).toBe(true);
  });

  it("warns when computers with evidence are outside option A's collection", () => {
    const outside = rollbackTargetingCounts({
      kbNumber: "KB835732",
      original,
      figures: { members: 3, membersWithEvidence: 1, installed: 3, pendingReboot: 0, evidenceOutsideCollection: 2 },
    });
    const res = ok(
      transitionRollback(
        rollbackAt("READY"),
        { type: "advertise", targeting: "SAME_TARGETS_CHECK_FIRST" },
        ctx(SMS, { ...CONTEXT, targeting: outside }),
      ),
    );
    expect(res.warnings).toContain(
      "2 computers with evidence of KB835732 are not in collection CEN00010: option A does not reach them.",
    );
  });
});

describe("verify, review and close", () => {
  const groups = (o: Partial<RollbackVerificationResult["groups"]> = {}) => ({
    REMOVED: 0,
    NOT_AFFECTED: 0,
    SETTLED_BY_OOB: 0,
    AWAITING_SCAN: 0,
    IN_PROGRESS: 0,
    FAILED: 0,
    UNREACHABLE: 0,
    ...o,
  });
  const figures = (
    g: Partial<RollbackVerificationResult["groups"]>,
    needTask: RollbackVerificationResult["needTask"] = [],
    closeTasks: RollbackVerificationResult["closeTasks"] = [],
  ): RollbackVerificationResult => {
    const all = groups(g);
    const remaining = all.AWAITING_SCAN + all.IN_PROGRESS + all.FAILED + all.UNREACHABLE;
    return {
      targeted: Object.values(all).reduce((a, b) => a + b, 0),
      groups: all,
      neverReported: 0,
      remaining,
      tasksToCreate: needTask.length,
      tasksToClose: closeTasks.length,
      graceHours: 24,
      graceEndsAt: new Date(T0 + 24 * HOUR).toISOString(),
      needTask,
      closeTasks,
    };
  };
  const unreachable = (resourceId: number) => ({ resourceId, group: "UNREACHABLE" as const, why: "no status" });

  it("is PARTIAL while computers remain, creating a task for each failed or unreachable one without; COMPLETED when none remain", () => {
    const r = rollbackAt("DEPLOYING");
    expect(refused(transitionRollback(r, { type: "verify" }, ctx(SMS))).reason).toMatch(/No compliance figures/);
    const partial = ok(
      transitionRollback(
        r,
        { type: "verify" },
        ctx(SMS, { verification: figures({ REMOVED: 1, UNREACHABLE: 2 }, [unreachable(1001), unreachable(1003)]) }),
      ),
    );
    expect(partial.next.status).toBe("PARTIAL");
    expect(partial.effects).toContainEqual({
      type: "CREATE_OOB_TASKS",
      tasks: [unreachable(1001), unreachable(1003)],
      dueAt: new Date(T0 + 720 * HOUR).toISOString(),
    });
    expect(partial.next.verifications[0]).toMatchObject({ removed: 1, unreachable: 2, remaining: 2, tasksCreated: 2 });
    expect(partial.effects.some((e) => e.type === "CASE_STEP")).toBe(false);
    // Only in progress or awaiting a scan: PARTIAL, but no task.
    const waiting = ok(
      transitionRollback(
        partial.next,
        { type: "verify" },
        ctx(SMS, { verification: figures({ IN_PROGRESS: 1, AWAITING_SCAN: 1, REMOVED: 1 }) }),
      ),
    );
    expect(waiting.next.status).toBe("PARTIAL");
    expect(waiting.effects.some((e) => e.type === "CREATE_OOB_TASKS")).toBe(false);
    expect(waiting.next.verifications[1]).toMatchObject({ inProgress: 1, awaitingScan: 1, tasksCreated: 0 });
    const close = [{ taskId: "t-1", resourceId: 1001, evidence: "Compliance shows KB835732 rolled back" }];
    const done = ok(
      transitionRollback(
        waiting.next,
        { type: "verify" },
        ctx(SMS, { verification: figures({ REMOVED: 2, SETTLED_BY_OOB: 1 }, [], close) }, T0 + 2 * HOUR),
      ),
    );
    expect(done.next.status).toBe("COMPLETED");
    expect(done.effects).toContainEqual({ type: "CLOSE_OOB_TASKS", tasks: close });
    expect(done.next.verifications.map((v) => v.outcome)).toEqual(["PARTIAL", "PARTIAL", "COMPLETED"]);
    expect(done.next.verifications[2]).toMatchObject({ tasksClosed: 1 });
    expect(done.next.sla?.stoppedAt).toBe(new Date(T0 + 2 * HOUR).toISOString());
    expect(done.effects).toContainEqual(expect.objectContaining({ type: "CASE_STEP", action: "markRolledBack" }));
    expect(refused(transitionRollback(done.next, { type: "verify" }, ctx(SMS))).code).toBe("ILLEGAL_TRANSITION");
  });

  it("reviews from PARTIAL only with an outcome note; closing then moves the update's case to rolled back", () => {
    const partial = step(
      rollbackAt("DEPLOYING"),
      { type: "verify" },
      ctx(SMS, { verification: figures({ REMOVED: 2, UNREACHABLE: 1 }, [unreachable(1001)]) }),
    );
    const text = "Removed from 2 of 3 computers in 4 hours; one laptop offline. Lesson: keep uninstall folders.";
    const noNote = refused(transitionRollback(partial, { type: "review", text }, ctx(MEMBER)));
    expect(noNote.code).toBe("VALIDATION_FAILED");
    expect(noNote.reason).toMatch(/^outcomeNote: 1 computer still has KB835732 at the last verification/);
    const reviewed = ok(
      transitionRollback(
        partial,
        { type: "review", text, outcomeNote: "The laptop is an out-of-band task with its owner" },
        ctx(MEMBER),
      ),
    );
    expect(reviewed.next.status).toBe("REVIEWED");
    expect(reviewed.next.review).toMatchObject({
      outcomeNote: "The laptop is an out-of-band task with its owner",
      remainingAtReview: 1,
    });
    expect(reviewed.warnings[0]).toMatch(/1 computer still had the update/);
    expect(reviewed.effects.some((e) => e.type === "CASE_STEP")).toBe(false);
    expect(refused(transitionRollback(partial, { type: "review", text: "too short" }, ctx(MEMBER))).code).toBe(
      "VALIDATION_FAILED",
    );
    const closed = ok(transitionRollback(reviewed.next, { type: "close" }, ctx(SMS)));
    expect(closed.next.status).toBe("CLOSED");
    expect(closed.next.sla?.stoppedAt).not.toBeNull();
    // Closing settles the update's case, which stayed ROLLING_BACK while computers remained.
    expect(closed.effects).toContainEqual({
      type: "CASE_STEP",
      action: "markRolledBack",
      evidence:
        "Rollback closed as partial: 1 computer still had KB835732 at the last verification. The laptop is an out-of-band task with its owner",
    });
  });

  it("can be cancelled before it is advertised, not after; a halt stays in place", () => {
    const res = ok(
      transitionRollback(rollbackAt("READY"), { type: "cancel", reason: "The vendor shipped a fix" }, ctx()),
    );
    expect(res.next).toMatchObject({ status: "CANCELLED", cancellation: { reason: "The vendor shipped a fix" } });
    expect(res.warnings[0]).toMatch(/stay disabled/);
    expect(
      refused(transitionRollback(rollbackAt("DEPLOYING"), { type: "cancel", reason: "Too late now" }, ctx())).code,
    ).toBe("ILLEGAL_TRANSITION");
  });

  it("after the authorisation, cancelling or finding it not feasible hands the update's case back to HALTED", () => {
    const halted = rollbackAt("HALTED");
    expect(
      ok(transitionRollback(halted, { type: "cancel", reason: "Vendor fix" }, ctx())).effects.some(
        (e) => e.type === "CASE_STEP",
      ),
    ).toBe(false);
    const authorised = step(halted, { type: "authorise" });
    expect(ok(transitionRollback(authorised, { type: "cancel", reason: "Vendor fix" }, ctx())).effects).toContainEqual({
      type: "CASE_STEP",
      action: "abandonRollback",
      reason: "Rollback cancelled: Vendor fix",
    });
    const cleaned = rollbackAt("PACKAGE_CLEANED");
    expect(
      ok(transitionRollback(cleaned, { type: "markNotFeasible", reason: "The uninstall folders are gone" }, ctx()))
        .effects,
    ).toContainEqual({
      type: "CASE_STEP",
      action: "abandonRollback",
      reason: "Not feasible: The uninstall folders are gone",
    });
  });

  it("an infeasible rollback closes from alternative recovery only once no live advertisement installs the update", () => {
    const assessment = assessRollback({ ...update, rollbackability: "NOT_REMOVABLE", uninstallCommand: null }, []);
    const alt = step(opened(assessment).record, {
      type: "chooseAlternative",
      alternative: "REBUILD",
      plan: "Re-image the 40 affected desktops tonight",
    });
    const note = "All 40 re-imaged and checked";
    expect(refused(transitionRollback(alt, { type: "close", note }, ctx(SMS))).reason).toMatch(/not known/);
    const live = refused(transitionRollback(alt, { type: "close", note }, ctx(SMS, { liveInstallAdvertisements: 2 })));
    expect(live.code).toBe("ILLEGAL_TRANSITION");
    expect(live.reason).toBe(
      "2 live advertisements still install KB835732: halt the update's deployments before closing the rollback.",
    );
    expect(
      availableRollbackActions(alt, "SMS_ADMIN", false, { liveInstallAdvertisements: 1 }).find(
        (a) => a.action === "close",
      ),
    ).toMatchObject({ enabled: false });
    expect(step(alt, { type: "close", note }, ctx(SMS, { liveInstallAdvertisements: 0 })).status).toBe("CLOSED");
    const halted = step(alt, { type: "halt", reason: "Stop the damage" }, ctx(SMS));
    expect(step(halted, { type: "close", note }, ctx(SMS)).status).toBe("CLOSED");
  });
});

describe("what the console shows", () => {
  it("lists the actions of the state, disabled with the reason", () => {
    const actions = availableRollbackActions(undecided(), "SMS_ADMIN", false);
    expect(actions.map((a) => a.action)).toEqual([
      "confirmPriority",
      "markNotFeasible",
      "authorise",
      "cleanPackages",
      "cancel",
    ]);
    expect(actions.find((a) => a.action === "cleanPackages")).toMatchObject({ enabled: false });
    expect(actions.find((a) => a.action === "cleanPackages")?.reason).toMatch(/confirm the rollback's priority/);
    expect(actions.find((a) => a.action === "confirmPriority")?.reason).toMatch(/your role is SMS administrator/);
    const member = availableRollbackActions(opened().record, "ERT_MEMBER", false);
    expect(member.find((a) => a.action === "confirmPriority")).toMatchObject({
      enabled: true,
      note: expect.stringMatching(/Emergency needs/),
    });
  });

  it("shows one current step in the workflow", () => {
    const current = (r: RollbackRecord) =>
      rollbackSteps(r).find((s) => s.status === "current" || s.status === "stopped")?.step;
    expect(current(opened().record)).toBe("HALT");
    // Priority and authorisation before the clean-up, which cannot be undone.
    expect(current(rollbackAt("HALTED"))).toBe("PRIORITY");
    const decided = step(
      step(rollbackAt("HALTED"), {
        type: "confirmPriority",
        priority: "HIGH",
        rationale: "Logons fail on 300 desktops",
      }),
      {
        type: "authorise",
      },
    );
    expect(current(decided)).toBe("CLEANUP");
    expect(current(rollbackAt("PACKAGE_CLEANED"))).toBe("BUILD");
    expect(current(rollbackAt("BUILT"))).toBe("ACCEPT");
    expect(current(rollbackAt("READY"))).toBe("ADVERTISE");
    expect(current(rollbackAt("DEPLOYING"))).toBe("VERIFY");
    const steps = rollbackSteps(rollbackAt("DEPLOYING"));
    expect(steps.filter((s) => s.status === "done").map((s) => s.step)).toEqual([
      "REQUEST",
      "FEASIBILITY",
      "HALT",
      "PRIORITY",
      "CLEANUP",
      "BUILD",
      "ACCEPT",
      "ADVERTISE",
    ]);
    const infeasible = opened(
      assessRollback({ ...update, rollbackability: "NOT_REMOVABLE", uninstallCommand: null }, []),
    ).record;
    expect(rollbackSteps(infeasible).map((s) => s.status)).toEqual([
      "done",
      "stopped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);
  });

  it("verification figures from the plan rules feed the machine", () => {
    const r = rollbackAt("DEPLOYING");
    const v = rollbackVerification({
      kbNumber: "KB835732",
      advertisedAt: r.deployment!.advertisedAt,
      now: T0 + HOUR,
      rows: [
        {
          resourceId: 1001,
          hadUpdate: true,
          complianceState: "ROLLED_BACK",
          complianceTime: T0 + HOUR / 2,
          clientState: "SUCCEEDED",
          clientStatusTime: T0 + HOUR / 4,
          exitCode: 0,
          lastSeenAt: null,
          taskId: null,
          taskState: null,
        },
      ],
    });
    expect(step(r, { type: "verify" }, ctx(SMS, { verification: v })).status).toBe("COMPLETED");
  });
});
