import { describe, expect, it } from "vitest";
import type { Role } from "../auth/roles.js";
import { AdvertFlags } from "../sms/flags.js";
import type { TestLike } from "./acceptance.js";
import { isGrantActive } from "./authority.js";
import { CASE_ACTIONS, CASE_STATES, phaseOfState, type CaseState } from "./case-states.js";
import {
  CASE_ACTION_RULES,
  availableCaseActions,
  newUpdateCase,
  priorityInForce,
  transitionCase,
  type CaseActionInput,
  type CaseContext,
  type CaseTransitionResult,
  type UpdateCase,
} from "./case-machine.js";
import type { ReleasePriority } from "./priority.js";

const T0 = Date.parse("2026-03-10T09:00:00Z");
const HOUR = 3_600_000;
const actor = (role: Role, hasActiveGrant = false) => ({ userId: `${role.toLowerCase()}-1`, role, hasActiveGrant });
const LEAD = actor("ERT_LEAD");
const MEMBER = actor("ERT_MEMBER");
const SMS = actor("SMS_ADMIN");

const rationale = {
  assetsExposed: "All file servers",
  mitigations: "none",
  scope: "1,200 servers",
  exploitedInTheWild: true,
};
const HASH = "a".repeat(64);
const passedTests: TestLike[] = [
  { id: "t1", name: "Logon works", scope: "CORE", result: "PASSED", executedAt: "2026-03-10T10:00:00Z" },
  { id: "t2", name: "Line-of-business app", scope: "FULL", result: "PASSED", executedAt: "2026-03-10T10:00:00Z" },
];
const coreOnly: TestLike[] = [
  { id: "t1", name: "Logon works", scope: "CORE", result: "PASSED", executedAt: "2026-03-10T10:00:00Z" },
  { id: "t2", name: "Line-of-business app", scope: "FULL", result: "PENDING" },
  { id: "t3", name: "Print spooler", scope: "FULL", result: "PENDING" },
];
const emergencyAdvert = {
  advertFlags: AdvertFlags.fromNames(["IMMEDIATE", "ONSLOWNET"]),
  remoteClientFlags: 0x50,
  assignedSchedule: [],
  assignedScheduleEnabled: false,
};

function ctx(a = MEMBER, extra: Partial<CaseContext> = {}, at = T0): CaseContext {
  return { now: at, actor: a, ...extra };
}

function ok(r: CaseTransitionResult): Extract<CaseTransitionResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}

function refused(r: CaseTransitionResult): Extract<CaseTransitionResult, { ok: false }> {
  if (r.ok) throw new Error(`expected a refusal, got ${r.next.status}`);
  return r;
}

const step = (c: UpdateCase, action: CaseActionInput, context: CaseContext = ctx(LEAD)) =>
  ok(transitionCase(c, action, context)).next;

/** Drives a fresh case to `target` along the happy path with the given priority. */
function caseAt(target: CaseState, priority: ReleasePriority = "HIGH"): UpdateCase {
  let c = newUpdateCase();
  const path: [CaseState, CaseActionInput, Partial<CaseContext>?][] = [
    ["IDENTIFYING", { type: "markRelevant", evidence: "Windows XP SP1 desktops" }],
    [
      "IDENTIFYING",
      { type: "verifySource", hash: HASH, checks: { genuine: true, virusFree: true, installsCleanly: true } },
    ],
    [
      "RFC_SUBMITTED",
      { type: "submitRfc", initialPriority: priority, category: "SIGNIFICANT", rationale: "Worm expected within days" },
    ],
    ["EVALUATING", { type: "startEvaluation" }],
    ["EVALUATING", { type: "confirmPriority", finalPriority: priority, rationale }],
    ["PLANNED", { type: "plan" }],
    ["BUILDING", { type: "build", packageId: "CEN00012" }],
    ["TESTING", { type: "startTesting", packageId: "CEN00012" }, { tests: passedTests }],
    ["READY", { type: "acceptRelease" }, { tests: passedTests }],
    ["DEPLOYING", { type: "startDeployment", advertisementId: "CEN00020" }, { advertisement: emergencyAdvert }],
    ["DEPLOYED", { type: "markDeployed" }, { compliance: { compliancePct: 97 } }],
    [
      "REVIEWED",
      { type: "review", text: "Met the 24 h target; two laptops patched by hand; no deviations." },
      { tests: passedTests },
    ],
    ["CLOSED", { type: "close" }],
  ];
  if (c.status === target) return c;
  for (let i = 0; i < path.length; i++) {
    const [state, action, extra] = path[i] as (typeof path)[number];
    c = step(c, action, ctx(LEAD, extra));
    expect(c.status).toBe(state);
    // Stop at the last step that ends in the target state (IDENTIFYING verified, EVALUATING confirmed).
    if (state === target && path[i + 1]?.[0] !== target) return c;
  }
  throw new Error(`cannot reach ${target} on the happy path`);
}

describe("states, phases and rules", () => {
  it("a new case is DETECTED in Identify; every state has a phase and all four phases occur", () => {
    const c = newUpdateCase();
    expect(c.status).toBe("DETECTED");
    expect(phaseOfState.DETECTED).toBe("IDENTIFY");
    expect(phaseOfState.RFC_SUBMITTED).toBe("EVALUATE_PLAN");
    expect(phaseOfState.READY).toBe("DEPLOY");
    expect(phaseOfState.CLOSED).toBe("ASSESS");
    expect(new Set(CASE_STATES.map((s) => phaseOfState[s]))).toEqual(
      new Set(["ASSESS", "IDENTIFY", "EVALUATE_PLAN", "DEPLOY"]),
    );
  });

  it("every action has a rule; every state but CLOSED has a way out; CLOSED has none", () => {
    expect(Object.keys(CASE_ACTION_RULES).sort()).toEqual([...CASE_ACTIONS].sort());
    for (const s of CASE_STATES) {
      const out = CASE_ACTIONS.filter(
        (a) => CASE_ACTION_RULES[a].from.includes(s) && (CASE_ACTION_RULES[a].to ?? s) !== s,
      );
      if (s === "CLOSED") expect(out).toEqual([]);
      else expect(out.length, s).toBeGreaterThan(0);
    }
  });

  it("the happy path reaches CLOSED", () => {
    const c = caseAt("CLOSED", "EMERGENCY");
    expect(c.status).toBe("CLOSED");
    expect(c.closedAt).toBe(new Date(T0).toISOString());
  });

  it("an unknown action, an action from the wrong state and an invalid body are refused", () => {
    const c = newUpdateCase();
    expect(refused(transitionCase(c, { type: "fly" } as unknown as CaseActionInput, ctx())).code).toBe(
      "VALIDATION_FAILED",
    );
    const r = refused(transitionCase(c, { type: "startEvaluation" }, ctx()));
    expect(r.code).toBe("ILLEGAL_TRANSITION");
    expect(r.reason).toBe("Start evaluation is not possible while the case is Detected; it needs: RFC submitted.");
    const v = refused(transitionCase(c, { type: "markRelevant", evidence: " " }, ctx()));
    expect(v.code).toBe("VALIDATION_FAILED");
    expect(v.reason).toMatch(/Say which products or assets/);
  });
});

describe("Identify: G1 relevance, G2 source, G3 RFC", () => {
  it("markRelevant records who decided and moves to IDENTIFYING; roles without triage rights are refused", () => {
    const r = ok(transitionCase(newUpdateCase(), { type: "markRelevant", evidence: "XP desktops" }, ctx(MEMBER)));
    expect(r.next.status).toBe("IDENTIFYING");
    expect(r.next.relevance).toEqual({
      relevant: true,
      note: "XP desktops",
      decidedBy: "ert_member-1",
      decidedAt: "2026-03-10T09:00:00.000Z",
    });
    expect(r.effects[0]).toMatchObject({
      type: "TIMELINE",
      event: { type: "CASE_TRANSITION", payload: { action: "markRelevant", from: "DETECTED", to: "IDENTIFYING" } },
    });
    for (const role of ["SMS_ADMIN", "OBSERVER", "MANAGER", "ADMIN"] as const) {
      const f = refused(
        transitionCase(newUpdateCase(), { type: "markRelevant", evidence: "XP desktops" }, ctx(actor(role))),
      );
      expect(f.code).toBe("FORBIDDEN");
      expect(f.reason).toMatch(/Mark relevant needs the ERT lead or ERT member/);
    }
  });

  it("markNotRelevant from DETECTED or IDENTIFYING, then close", () => {
    const a = step(newUpdateCase(), { type: "markNotRelevant", reason: "No Exchange servers here" }, ctx(MEMBER));
    expect(a.status).toBe("NOT_RELEVANT");
    expect(a.relevance?.relevant).toBe(false);
    const b = step(caseAt("IDENTIFYING"), { type: "markNotRelevant", reason: "Only affects Windows 98" }, ctx(MEMBER));
    expect(b.status).toBe("NOT_RELEVANT");
    const closed = step(a, { type: "close" }, ctx(MEMBER));
    expect(closed.status).toBe("CLOSED");
    expect(phaseOfState[closed.status]).toBe("ASSESS");
  });

  it("verifySource (G2) records who, when and the hash; every check must pass", () => {
    const c = step(newUpdateCase(), { type: "markRelevant", evidence: "XP desktops" }, ctx(MEMBER));
    const r = ok(
      transitionCase(
        c,
        {
          type: "verifySource",
          hash: HASH.toUpperCase(),
          checks: { genuine: true, virusFree: true, installsCleanly: true },
        },
        ctx(MEMBER),
      ),
    );
    expect(r.next.status).toBe("IDENTIFYING");
    expect(r.next.sourceVerification).toMatchObject({
      verifiedBy: "ert_member-1",
      verifiedAt: "2026-03-10T09:00:00.000Z",
      hashAlgorithm: "SHA256",
      hash: HASH,
    });
    const bad = refused(
      transitionCase(
        c,
        { type: "verifySource", hash: HASH, checks: { genuine: true, virusFree: false, installsCleanly: true } },
        ctx(MEMBER),
      ),
    );
    expect(bad.gate).toBe("G2");
    expect(bad.reason).toBe(
      "G2 Source verified is not met: the files must be genuine, virus-free and install cleanly; not confirmed: virus-free.",
    );
    const shortHash = refused(
      transitionCase(
        c,
        { type: "verifySource", hash: "abc", checks: { genuine: true, virusFree: true, installsCleanly: true } },
        ctx(MEMBER),
      ),
    );
    expect(shortHash.code).toBe("VALIDATION_FAILED");
    expect(shortHash.reason).toBe("A SHA-256 hash has 64 hexadecimal digits");
  });

  it("submitRfc (G3) needs verified source files and an initial priority, category and rationale", () => {
    const unverified = step(newUpdateCase(), { type: "markRelevant", evidence: "XP desktops" }, ctx(MEMBER));
    const g2 = refused(
      transitionCase(
        unverified,
        { type: "submitRfc", initialPriority: "HIGH", category: "MINOR", rationale: "Important fix for XP" },
        ctx(MEMBER),
      ),
    );
    expect(g2).toMatchObject({ code: "ILLEGAL_TRANSITION", gate: "G2" });
    expect(g2.reason).toMatch(/^G2 Source verified is not met: verify the source files/);

    const c = caseAt("IDENTIFYING");
    expect(c.sourceVerification).not.toBeNull();
    const noRationale = refused(
      transitionCase(c, { type: "submitRfc", initialPriority: "HIGH", category: "MINOR", rationale: "" }, ctx(MEMBER)),
    );
    expect(noRationale.code).toBe("VALIDATION_FAILED");
    const noPriority = refused(
      transitionCase(
        c,
        { type: "submitRfc", category: "MINOR", rationale: "Important fix for XP" } as unknown as CaseActionInput,
        ctx(MEMBER),
      ),
    );
    expect(noPriority.reason).toMatch(/Choose a release priority/);

    const r = ok(
      transitionCase(
        c,
        { type: "submitRfc", initialPriority: "HIGH", category: "MINOR", rationale: "Important fix for XP" },
        ctx(MEMBER),
      ),
    );
    expect(r.next.status).toBe("RFC_SUBMITTED");
    expect(phaseOfState[r.next.status]).toBe("EVALUATE_PLAN");
    expect(r.next.rfc).toMatchObject({ initialPriority: "HIGH", category: "MINOR", submittedBy: "ert_member-1" });
    expect(r.next.sla).toEqual({ priority: "HIGH", since: "2026-03-10T09:00:00.000Z", stoppedAt: null });
    expect(r.effects.map((e) => e.type)).toEqual(["TIMELINE", "TIMELINE", "START_SLA_CLOCK"]);
    expect(r.effects.some((e) => e.type === "PAGE_ERT")).toBe(false);

    const em = ok(
      transitionCase(
        c,
        { type: "submitRfc", initialPriority: "EMERGENCY", category: "MAJOR", rationale: "Worm in the wild" },
        ctx(MEMBER),
      ),
    );
    expect(em.effects).toContainEqual({
      type: "PAGE_ERT",
      reason: "An RFC was submitted with an initial Emergency priority.",
    });
  });
});

describe("Evaluate & Plan: G4 priority confirmed", () => {
  const evaluating = (p: ReleasePriority = "HIGH") => caseAt("EVALUATING", p);
  const rfcOnly = (p: ReleasePriority) => step(caseAt("RFC_SUBMITTED", p), { type: "startEvaluation" }, ctx(MEMBER));

  it("startEvaluation moves the RFC into EVALUATING", () => {
    expect(rfcOnly("HIGH").status).toBe("EVALUATING");
  });

  it("an ERT member confirms High, with the rationale and the confirmer recorded", () => {
    const c = rfcOnly("HIGH");
    const r = ok(
      transitionCase(c, { type: "confirmPriority", finalPriority: "HIGH", rationale }, ctx(MEMBER, {}, T0 + HOUR)),
    );
    expect(r.next.status).toBe("EVALUATING");
    expect(r.next.priorityConfirmation).toMatchObject({
      finalPriority: "HIGH",
      category: "SIGNIFICANT",
      rationale,
      confirmedBy: "ert_member-1",
      confirmedByRole: "ERT_MEMBER",
      underAuthorityGrant: false,
      confirmedAt: "2026-03-10T10:00:00.000Z",
    });
    // Same priority: the SLA clock keeps running from RFC submission.
    expect(r.effects.some((e) => e.type === "START_SLA_CLOCK")).toBe(false);
    expect(r.next.sla?.since).toBe("2026-03-10T09:00:00.000Z");
  });

  it("confirming Emergency by an ERT member is refused", () => {
    const r = refused(
      transitionCase(rfcOnly("HIGH"), { type: "confirmPriority", finalPriority: "EMERGENCY", rationale }, ctx(MEMBER)),
    );
    expect(r).toMatchObject({ code: "FORBIDDEN", gate: "G4" });
    expect(r.reason).toBe(
      "G4 Priority confirmed is not met: only the ERT lead or a holder of an active emergency-authority grant can confirm an Emergency priority; your role is ERT member / patch team.",
    );
  });

  it("confirming Emergency by an ERT member with an active grant is accepted and marked as under the grant", () => {
    const grant = { startsAt: "2026-03-10T08:00:00Z", expiresAt: "2026-03-10T20:00:00Z" };
    const hasGrant = isGrantActive(grant, T0);
    expect(hasGrant).toBe(true);
    const r = ok(
      transitionCase(
        rfcOnly("HIGH"),
        { type: "confirmPriority", finalPriority: "EMERGENCY", rationale },
        ctx(actor("ERT_MEMBER", hasGrant), {}, T0 + HOUR),
      ),
    );
    expect(r.next.priorityConfirmation).toMatchObject({
      finalPriority: "EMERGENCY",
      underAuthorityGrant: true,
      confirmedByRole: "ERT_MEMBER",
    });
    // Priority changed: the clock restarts for Emergency and the ERT is paged.
    expect(r.next.sla).toEqual({ priority: "EMERGENCY", since: "2026-03-10T10:00:00.000Z", stoppedAt: null });
    expect(r.effects).toContainEqual({
      type: "START_SLA_CLOCK",
      priority: "EMERGENCY",
      since: "2026-03-10T10:00:00.000Z",
      restarted: true,
    });
    expect(r.effects).toContainEqual({ type: "PAGE_ERT", reason: "The priority was confirmed as Emergency." });
  });

  it("confirming Emergency with an expired grant is refused", () => {
    const grant = { startsAt: "2026-03-09T08:00:00Z", expiresAt: "2026-03-10T08:00:00Z" };
    const hasGrant = isGrantActive(grant, T0);
    expect(hasGrant).toBe(false);
    const r = refused(
      transitionCase(
        rfcOnly("HIGH"),
        { type: "confirmPriority", finalPriority: "EMERGENCY", rationale },
        ctx(actor("ERT_MEMBER", hasGrant)),
      ),
    );
    expect(r.code).toBe("FORBIDDEN");
    expect(r.gate).toBe("G4");
  });

  it("the ERT lead confirms Emergency; an SMS administrator or observer cannot confirm at all", () => {
    const r = ok(
      transitionCase(
        rfcOnly("EMERGENCY"),
        { type: "confirmPriority", finalPriority: "EMERGENCY", rationale },
        ctx(LEAD),
      ),
    );
    expect(r.next.priorityConfirmation?.underAuthorityGrant).toBe(false);
    expect(r.effects.some((e) => e.type === "PAGE_ERT")).toBe(false); // already Emergency: paged at submission
    expect(
      refused(transitionCase(rfcOnly("HIGH"), { type: "confirmPriority", finalPriority: "LOW", rationale }, ctx(SMS)))
        .code,
    ).toBe("FORBIDDEN");
    expect(
      refused(
        transitionCase(
          rfcOnly("HIGH"),
          { type: "confirmPriority", finalPriority: "LOW", rationale },
          ctx(actor("OBSERVER")),
        ),
      ).code,
    ).toBe("FORBIDDEN");
  });

  it("the rationale needs assets, mitigations, scope and the exploitation answer", () => {
    const r = refused(
      transitionCase(
        rfcOnly("HIGH"),
        {
          type: "confirmPriority",
          finalPriority: "HIGH",
          rationale: { assetsExposed: "x", mitigations: "none", scope: "all" },
        } as unknown as CaseActionInput,
        ctx(MEMBER),
      ),
    );
    expect(r.code).toBe("VALIDATION_FAILED");
  });

  it("plan needs the confirmed priority (G4)", () => {
    const r = refused(transitionCase(rfcOnly("HIGH"), { type: "plan" }, ctx(MEMBER)));
    expect(r).toMatchObject({ code: "ILLEGAL_TRANSITION", gate: "G4" });
    expect(r.reason).toMatch(/^G4 Priority confirmed is not met: a named person must confirm the priority/);
    const planned = step(evaluating(), { type: "plan", plannedStartAt: "2026-03-11T08:00:00Z" }, ctx(SMS));
    expect(planned.status).toBe("PLANNED");
    expect(planned.plannedStartAt).toBe("2026-03-11T08:00:00Z");
  });

  it("defer only Low or Medium, only after confirmation; reopen; close a deferred case only with a reason", () => {
    expect(
      refused(transitionCase(rfcOnly("LOW"), { type: "defer", reason: "Waiting for XP SP2" }, ctx(MEMBER))).gate,
    ).toBe("G4");
    const high = refused(
      transitionCase(evaluating("HIGH"), { type: "defer", reason: "Waiting for XP SP2" }, ctx(MEMBER)),
    );
    expect(high.reason).toBe("Only Low or Medium releases can wait for a service pack or rollup; this one is High.");
    const deferred = step(
      evaluating("MEDIUM"),
      { type: "defer", reason: "Waiting for XP SP2", revisitAt: "2026-06-01T00:00:00Z" },
      ctx(MEMBER),
    );
    expect(deferred.status).toBe("DEFERRED");
    expect(deferred.deferral).toMatchObject({ reason: "Waiting for XP SP2", revisitAt: "2026-06-01T00:00:00Z" });
    expect(step(evaluating("LOW"), { type: "defer", reason: "Waiting for the rollup" }, ctx(MEMBER)).status).toBe(
      "DEFERRED",
    );

    const reopened = step(deferred, { type: "reopen", reason: "Exploit published" }, ctx(MEMBER));
    expect(reopened.status).toBe("EVALUATING");
    expect(reopened.deferral).toBeNull();

    const noReason = refused(transitionCase(deferred, { type: "close" }, ctx(MEMBER)));
    expect(noReason.gate).toBe("G7");
    const closed = ok(transitionCase(deferred, { type: "close", reason: "Superseded by XP SP2" }, ctx(MEMBER)));
    expect(closed.next.status).toBe("CLOSED");
    expect(closed.next.closeReason).toBe("Superseded by XP SP2");
    expect(closed.effects).toContainEqual({ type: "STOP_SLA_CLOCK", at: "2026-03-10T09:00:00.000Z" });
  });
});

describe("build and acceptance testing: G5", () => {
  it("build, then startTesting needs at least one test", () => {
    const planned = caseAt("PLANNED");
    const building = step(planned, { type: "build" }, ctx(SMS));
    expect(building.status).toBe("BUILDING");
    const none = refused(
      transitionCase(building, { type: "startTesting", packageId: "CEN00012" }, ctx(SMS, { tests: [] })),
    );
    expect(none.gate).toBe("G5");
    const testing = step(building, { type: "startTesting", packageId: "CEN00012" }, ctx(SMS, { tests: passedTests }));
    expect(testing.status).toBe("TESTING");
    expect(testing.packageId).toBe("CEN00012");
  });

  it("a non-Emergency release needs every test passed", () => {
    const testing = caseAt("TESTING", "HIGH");
    const r = refused(transitionCase(testing, { type: "acceptRelease" }, ctx(MEMBER, { tests: coreOnly })));
    expect(r.gate).toBe("G5");
    expect(r.reason).toBe(
      "G5 Release built and accepted is not met: every acceptance test must pass before a non-Emergency release is ready; 2 tests have not passed.",
    );
    const ready = ok(transitionCase(testing, { type: "acceptRelease" }, ctx(MEMBER, { tests: passedTests })));
    expect(ready.next.status).toBe("READY");
    expect(phaseOfState.READY).toBe("DEPLOY");
    expect(ready.effects.some((e) => e.type === "KEEP_TESTS_OPEN")).toBe(false);
  });

  it("Emergency: core tests passed but no lead acceptance of reduced testing is refused", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const r = refused(transitionCase(testing, { type: "acceptRelease" }, ctx(MEMBER, { tests: coreOnly })));
    expect(r.gate).toBe("G5");
    expect(r.reason).toMatch(/the ERT lead must record acceptance of reduced testing first/);
  });

  it("acceptReducedTesting: only with authority, only for Emergency, only after core tests pass", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const member = refused(
      transitionCase(
        testing,
        { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
        ctx(MEMBER, { tests: coreOnly }),
      ),
    );
    expect(member.code).toBe("FORBIDDEN");
    expect(member.reason).toMatch(/needs the ERT lead or a holder of an active emergency-authority grant/);

    const coreFailing = coreOnly.map((t) => (t.id === "t1" ? { ...t, result: "PENDING" as const } : t));
    expect(
      refused(
        transitionCase(
          testing,
          { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
          ctx(LEAD, { tests: coreFailing }),
        ),
      ).gate,
    ).toBe("G5");

    const high = caseAt("TESTING", "HIGH");
    expect(
      refused(
        transitionCase(
          high,
          { type: "acceptReducedTesting", rationale: "We are in a hurry today" },
          ctx(LEAD, { tests: coreOnly }),
        ),
      ).reason,
    ).toMatch(/reduced testing is only for Emergency releases; this one is High/);

    const withGrant = ok(
      transitionCase(
        testing,
        { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
        ctx(actor("ERT_MEMBER", true), { tests: coreOnly }),
      ),
    );
    expect(withGrant.next.reducedTestingAcceptance).toMatchObject({
      underAuthorityGrant: true,
      openTestIds: ["t2", "t3"],
    });
  });

  it("Emergency with the lead's acceptance goes READY and the remaining tests stay open", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const accepted = ok(
      transitionCase(
        testing,
        { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
        ctx(LEAD, { tests: coreOnly }),
      ),
    );
    expect(accepted.next.status).toBe("TESTING");
    expect(accepted.next.reducedTestingAcceptance).toMatchObject({
      acceptedBy: "ert_lead-1",
      acceptedByRole: "ERT_LEAD",
      underAuthorityGrant: false,
    });
    expect(accepted.effects.map((e) => (e.type === "TIMELINE" ? e.event.type : e.type))).toEqual([
      "CASE_TRANSITION",
      "REDUCED_TESTING_ACCEPTED",
    ]);
    const ready = ok(transitionCase(accepted.next, { type: "acceptRelease" }, ctx(MEMBER, { tests: coreOnly })));
    expect(ready.next.status).toBe("READY");
    expect(ready.effects).toContainEqual({ type: "KEEP_TESTS_OPEN", testIds: ["t2", "t3"] });
    expect(ready.warnings).toEqual(["2 acceptance tests stay open through and after deployment."]);
  });

  it("a failed test blocks the release even for an Emergency", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const accepted = step(
      testing,
      { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
      ctx(LEAD, { tests: coreOnly }),
    );
    const failing = coreOnly.map((t) =>
      t.id === "t2" ? { ...t, result: "FAILED" as const, executedAt: "2026-03-10T11:00:00Z" } : t,
    );
    const r = refused(transitionCase(accepted, { type: "acceptRelease" }, ctx(MEMBER, { tests: failing })));
    expect(r.reason).toMatch(/1 acceptance test failed \(Line-of-business app\)/);
  });

  it("downgrading from Emergency after reduced acceptance withdraws it and sends a READY release back to TESTING", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const accepted = step(
      testing,
      { type: "acceptReducedTesting", rationale: "Worm spreading, core checks clean" },
      ctx(LEAD, { tests: coreOnly }),
    );
    const ready = step(accepted, { type: "acceptRelease" }, ctx(MEMBER, { tests: coreOnly }));
    const r = ok(
      transitionCase(
        ready,
        { type: "confirmPriority", finalPriority: "HIGH", rationale },
        ctx(LEAD, { tests: coreOnly }),
      ),
    );
    expect(r.next.status).toBe("TESTING");
    expect(r.next.reducedTestingAcceptance).toBeNull();
    expect(r.next.sla?.priority).toBe("HIGH");
    expect(r.warnings).toHaveLength(2);
  });
});

describe("Deploy: start, halt, resume, G6, rollback, G7", () => {
  it("startDeployment needs an advertisement; an Emergency one must be mandatory over slow links", () => {
    const ready = caseAt("READY", "EMERGENCY");
    expect(
      refused(transitionCase(ready, { type: "startDeployment", advertisementId: "CEN00020" }, ctx(SMS))).reason,
    ).toBe("Choose the advertisement that deploys this release.");
    const slowBoxChecked = { ...emergencyAdvert, advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]) };
    expect(
      refused(
        transitionCase(
          ready,
          { type: "startDeployment", advertisementId: "CEN00020" },
          ctx(SMS, { advertisement: slowBoxChecked }),
        ),
      ).reason,
    ).toBe(
      'An Emergency release must be mandatory over slow links: clear "Assignments are not mandatory over slow links" on the advertisement.',
    );
    const notMandatory = { ...emergencyAdvert, advertFlags: 0 };
    expect(
      refused(
        transitionCase(
          ready,
          { type: "startDeployment", advertisementId: "CEN00020" },
          ctx(SMS, { advertisement: notMandatory }),
        ),
      ).reason,
    ).toMatch(/needs a mandatory assignment/);
    const r = ok(
      transitionCase(
        ready,
        { type: "startDeployment", advertisementId: "CEN00020" },
        ctx(SMS, { advertisement: emergencyAdvert }),
      ),
    );
    expect(r.next).toMatchObject({
      status: "DEPLOYING",
      advertisementId: "CEN00020",
      deploymentStartedAt: "2026-03-10T09:00:00.000Z",
    });
    expect(r.warnings).toEqual([]);
    const dontRun = ok(
      transitionCase(
        ready,
        { type: "startDeployment", advertisementId: "CEN00020" },
        ctx(SMS, { advertisement: { ...emergencyAdvert, remoteClientFlags: 0x30 } }),
      ),
    );
    expect(dontRun.warnings[0]).toMatch(/Do not run program/);
    // A High release has no advertisement requirement in the default policy.
    expect(
      ok(
        transitionCase(
          caseAt("READY", "HIGH"),
          { type: "startDeployment", advertisementId: "CEN00020" },
          ctx(SMS, { advertisement: notMandatory }),
        ),
      ).next.status,
    ).toBe("DEPLOYING");
  });

  it("halt: ERT lead or SMS administrator, or an automatic rule; it disables the program", () => {
    const deploying = caseAt("DEPLOYING");
    expect(refused(transitionCase(deploying, { type: "halt", reason: "Blue screens" }, ctx(MEMBER))).code).toBe(
      "FORBIDDEN",
    );
    const r = ok(
      transitionCase(deploying, { type: "halt", reason: "Blue screens", alsoDisableAdvertisement: true }, ctx(SMS)),
    );
    expect(r.next.status).toBe("HALTED");
    expect(r.effects).toContainEqual({ type: "DISABLE_PROGRAM", alsoDisableAdvertisement: true });
    expect(r.next.halt).toMatchObject({ reason: "Blue screens", haltedBy: "sms_admin-1", automaticRule: null });
    const auto = ok(
      transitionCase(
        deploying,
        { type: "halt", reason: "12 % failures at BR1", automaticRule: "fail-10pct" },
        ctx(actor("OBSERVER")),
      ),
    );
    expect(auto.next.halt?.automaticRule).toBe("fail-10pct");
    expect(
      auto.effects.filter((e) => e.type === "TIMELINE").every((e) => e.type === "TIMELINE" && e.event.actorId === null),
    ).toBe(true);
    expect(
      ok(transitionCase(caseAt("DEPLOYED"), { type: "halt", reason: "Late reports of crashes" }, ctx(LEAD))).next
        .status,
    ).toBe("HALTED");
  });

  it("resume needs authority and enables the program again", () => {
    const halted = step(caseAt("DEPLOYING"), { type: "halt", reason: "Blue screens" }, ctx(SMS));
    expect(refused(transitionCase(halted, { type: "resume", reason: "False alarm" }, ctx(SMS))).code).toBe("FORBIDDEN");
    const r = ok(
      transitionCase(halted, { type: "resume", reason: "False alarm: driver issue" }, ctx(actor("ERT_MEMBER", true))),
    );
    expect(r.next.status).toBe("DEPLOYING");
    expect(r.next.halt).toBeNull();
    expect(r.effects).toContainEqual({ type: "ENABLE_PROGRAM" });
  });

  it("markDeployed (G6) needs compliance at the threshold and stops the SLA clock", () => {
    const deploying = caseAt("DEPLOYING", "EMERGENCY");
    expect(refused(transitionCase(deploying, { type: "markDeployed" }, ctx(SMS))).reason).toBe(
      "G6 Deployed is not met: no compliance figures are available yet.",
    );
    const low = refused(
      transitionCase(deploying, { type: "markDeployed" }, ctx(SMS, { compliance: { compliancePct: 91.26 } })),
    );
    expect(low.reason).toBe("G6 Deployed is not met: compliance is 91.3 %, below the 95 % that counts as deployed.");
    expect(
      ok(
        transitionCase(
          deploying,
          { type: "markDeployed" },
          ctx(SMS, { compliance: { compliancePct: 91.26, thresholdPct: 90 } }),
        ),
      ).next.status,
    ).toBe("DEPLOYED");
    const r = ok(
      transitionCase(
        deploying,
        { type: "markDeployed" },
        ctx(SMS, { compliance: { compliancePct: 95 } }, T0 + 20 * HOUR),
      ),
    );
    expect(r.next.deployedAt).toBe("2026-03-11T05:00:00.000Z");
    expect(r.next.sla?.stoppedAt).toBe("2026-03-11T05:00:00.000Z");
    expect(r.effects).toContainEqual({ type: "STOP_SLA_CLOCK", at: "2026-03-11T05:00:00.000Z" });
  });

  it("startRollback: authority, and never for an update that cannot be removed", () => {
    const halted = step(caseAt("DEPLOYING"), { type: "halt", reason: "Blue screens" }, ctx(SMS));
    expect(
      refused(
        transitionCase(
          halted,
          { type: "startRollback", reason: "Blue screens" },
          ctx(MEMBER, { update: { rollbackability: "REMOVABLE" } }),
        ),
      ).code,
    ).toBe("FORBIDDEN");
    const nr = refused(
      transitionCase(
        halted,
        { type: "startRollback", reason: "Blue screens" },
        ctx(LEAD, { update: { rollbackability: "NOT_REMOVABLE" } }),
      ),
    );
    expect(nr.reason).toMatch(/^The update cannot be removed/);
    const os = ok(
      transitionCase(
        halted,
        { type: "startRollback", reason: "Blue screens" },
        ctx(LEAD, { update: { rollbackability: "REMOVABLE_ORDER_SENSITIVE" } }),
      ),
    );
    expect(os.next.status).toBe("ROLLING_BACK");
    expect(os.warnings[0]).toMatch(/order-sensitive/);
    const rolled = ok(
      transitionCase(
        os.next,
        { type: "markRolledBack", evidence: "Compliance shows 0 machines with KB835732" },
        ctx(SMS),
      ),
    );
    expect(rolled.next.status).toBe("ROLLED_BACK");
    expect(rolled.next.rollback).toMatchObject({
      evidence: "Compliance shows 0 machines with KB835732",
      completedAt: "2026-03-10T09:00:00.000Z",
    });
    // After a rollback the review does not wait for the acceptance tests.
    const reviewed = step(
      rolled.next,
      { type: "review", text: "Rolled back within 4 h; cause: driver conflict on HP desktops." },
      ctx(MEMBER, { tests: coreOnly }),
    );
    expect(reviewed.status).toBe("REVIEWED");
  });

  it("abandonRollback: a rollback that stops after it started puts the case back to HALTED, by authority only", () => {
    const halted = step(caseAt("DEPLOYING"), { type: "halt", reason: "Blue screens" }, ctx(SMS));
    const rolling = step(
      halted,
      { type: "startRollback", reason: "Blue screens" },
      ctx(LEAD, { update: { rollbackability: "REMOVABLE" } }),
    );
    expect(rolling.status).toBe("ROLLING_BACK");
    expect(refused(transitionCase(halted, { type: "abandonRollback", reason: "Cancelled" }, ctx(LEAD))).code).toBe(
      "ILLEGAL_TRANSITION",
    );
    expect(refused(transitionCase(rolling, { type: "abandonRollback", reason: "Cancelled" }, ctx(SMS))).code).toBe(
      "FORBIDDEN",
    );
    expect(refused(transitionCase(rolling, { type: "abandonRollback", reason: "x" }, ctx(LEAD))).code).toBe(
      "VALIDATION_FAILED",
    );
    const back = ok(
      transitionCase(rolling, { type: "abandonRollback", reason: "The $NtUninstall$ folders are gone" }, ctx(LEAD)),
    );
    expect(back.next).toMatchObject({ status: "HALTED", rollback: null, halt: { reason: "Blue screens" } });
    expect(back.effects).toContainEqual(
      expect.objectContaining({
        type: "TIMELINE",
        event: expect.objectContaining({
          type: "NOTE",
          summary: "Rollback abandoned: The $NtUninstall$ folders are gone",
        }),
      }),
    );
    // From HALTED again: resume, or start another rollback.
    expect(
      ok(transitionCase(back.next, { type: "resume", reason: "Vendor fix installed" }, ctx(LEAD))).next.status,
    ).toBe("DEPLOYING");
  });

  it("review (G7) waits for open tests after a deployment and needs real text; close finishes the case", () => {
    const deployed = caseAt("DEPLOYED", "EMERGENCY");
    const open = refused(
      transitionCase(
        deployed,
        { type: "review", text: "Met the target with two manual installs; lessons recorded." },
        ctx(MEMBER, { tests: coreOnly }),
      ),
    );
    expect(open.gate).toBe("G7");
    expect(open.reason).toMatch(/2 acceptance tests are still open or failed \(Line-of-business app, Print spooler\)/);
    expect(
      refused(transitionCase(deployed, { type: "review", text: "ok" }, ctx(MEMBER, { tests: passedTests }))).code,
    ).toBe("VALIDATION_FAILED");
    const reviewed = step(
      deployed,
      { type: "review", text: "Met the target with two manual installs; lessons recorded." },
      ctx(MEMBER, { tests: passedTests }),
    );
    expect(reviewed.review?.reviewedBy).toBe("ert_member-1");
    const closed = ok(transitionCase(reviewed, { type: "close" }, ctx(MEMBER)));
    expect(closed.next.status).toBe("CLOSED");
    expect(closed.effects.some((e) => e.type === "STOP_SLA_CLOCK")).toBe(false); // stopped at DEPLOYED
  });

  it("priorityInForce is the confirmed priority, else the initial one", () => {
    expect(priorityInForce(newUpdateCase())).toBeNull();
    expect(priorityInForce(caseAt("RFC_SUBMITTED", "MEDIUM"))).toBe("MEDIUM");
    const c = step(step(caseAt("RFC_SUBMITTED", "MEDIUM"), { type: "startEvaluation" }), {
      type: "confirmPriority",
      finalPriority: "HIGH",
      rationale,
    });
    expect(priorityInForce(c)).toBe("HIGH");
  });
});

describe("availableCaseActions", () => {
  it("offers the actions of the current state with reasons for disabled ones", () => {
    const detected = availableCaseActions(newUpdateCase(), "ERT_MEMBER", false);
    expect(detected.map((a) => [a.action, a.enabled])).toEqual([
      ["markRelevant", true],
      ["markNotRelevant", true],
    ]);
    const observer = availableCaseActions(newUpdateCase(), "OBSERVER", false);
    expect(
      observer.every((a) => !a.enabled && /needs the ERT lead or ERT member \/ patch team role/.test(a.reason ?? "")),
    ).toBe(true);
  });

  it("shows the G2 gate before an RFC and the G4 gate before planning", () => {
    const identifying = step(newUpdateCase(), { type: "markRelevant", evidence: "XP desktops" });
    const submit = availableCaseActions(identifying, "ERT_MEMBER", false).find((a) => a.action === "submitRfc");
    expect(submit).toMatchObject({ enabled: false, gate: "G2" });
    const evaluating = step(caseAt("RFC_SUBMITTED"), { type: "startEvaluation" });
    const actions = availableCaseActions(evaluating, "ERT_MEMBER", false);
    expect(actions.find((a) => a.action === "plan")).toMatchObject({ enabled: false, gate: "G4" });
    expect(actions.find((a) => a.action === "confirmPriority")).toMatchObject({
      enabled: true,
      note: "You can confirm High, Medium or Low; an Emergency needs the ERT lead or a holder of an active emergency-authority grant.",
    });
    expect(
      availableCaseActions(evaluating, "ERT_LEAD", false).find((a) => a.action === "confirmPriority")?.note,
    ).toBeUndefined();
  });

  it("reduced testing is disabled for a member without a grant and enabled with one; context sharpens the gates", () => {
    const testing = caseAt("TESTING", "EMERGENCY");
    const without = availableCaseActions(testing, "ERT_MEMBER", false).find((a) => a.action === "acceptReducedTesting");
    expect(without?.enabled).toBe(false);
    const withGrant = availableCaseActions(testing, "ERT_MEMBER", true).find(
      (a) => a.action === "acceptReducedTesting",
    );
    expect(withGrant?.enabled).toBe(true);
    // No tests in the context: acceptRelease is not judged; with them it is.
    expect(availableCaseActions(testing, "ERT_MEMBER", false).find((a) => a.action === "acceptRelease")).toMatchObject({
      enabled: true,
    });
    expect(
      availableCaseActions(testing, "ERT_MEMBER", false, { tests: coreOnly }).find((a) => a.action === "acceptRelease"),
    ).toMatchObject({ enabled: false, gate: "G5" });
  });

  it("a terminal case offers nothing", () => {
    expect(availableCaseActions(caseAt("CLOSED"), "ERT_LEAD", false)).toEqual([]);
  });
});
