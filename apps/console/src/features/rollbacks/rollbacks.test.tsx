import {
  assessRollback,
  availableRollbackActions,
  openRollback,
  packageCleanupPlan,
  rollbackPrograms,
  rollbackTargetingCounts,
  rollbackVerification,
  targetingFiguresOf,
  transitionRollback,
  type RollbackActionInput,
  type RollbackDetail,
  type RollbackRecord,
  type Role,
} from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { FLEET_ID, caseDetail, updateRecord, uuid } from "../../../test/process-fixtures";
import { renderApp } from "../../../test/render-app";

const ID = uuid(700);
const URL_ = `/api/rollbacks/${ID}`;
const update = updateRecord();
const T0 = "2026-05-01T10:00:00.000Z";

const cleanup = packageCleanupPlan(
  [
    {
      packageId: "CEN00021",
      name: "LSASS",
      version: 1,
      sourceVersion: 3,
      kind: "DEPLOY",
      updateIds: ["KB835732", "KB828741"],
      advertisements: [{ advertisementId: "CEN2000A", state: "ACTIVE" }],
    },
  ],
  "KB835732",
);
const targeting = rollbackTargetingCounts({
  kbNumber: "KB835732",
  original: { collectionId: "CEN00010", includeSubCollection: true },
  figures: targetingFiguresOf(
    [1001, 1002, 1003, 1004, 1005],
    [
      { resourceId: 1001, state: "INSTALLED" },
      { resourceId: 1002, state: "INSTALLED" },
      { resourceId: 1003, state: "INSTALLED_PENDING_REBOOT" },
    ],
  ),
});
const programs = rollbackPrograms(update.record);
const actor = { userId: "00000000-0000-4000-8000-000000000002", role: "ERT_LEAD" as Role };

/** A real record, driven through the domain machine to the state of the test. */
function recordAt(steps: RollbackActionInput[], notRemovable = false): RollbackRecord {
  const u = notRemovable
    ? { ...update.record, rollbackability: "NOT_REMOVABLE" as const, uninstallCommand: null }
    : update.record;
  let r = openRollback(
    {
      kbNumber: "KB835732",
      reason: "Logons fail on XP SP1 desktops",
      initialPriority: "HIGH",
      assessment: assessRollback(u, []),
      original: {
        advertisementId: "CEN2000A",
        collectionId: "CEN00010",
        includeSubCollection: true,
        packageId: "CEN00021",
        programName: "Install",
      },
    },
    { now: T0, actor, rollbackId: ID },
  ).record;
  for (const action of steps) {
    const res = transitionRollback(r, action, {
      now: T0,
      actor,
      rollbackId: ID,
      cleanupPlan: cleanup,
      programs,
      targeting,
      allocated: { packageId: "CEN00030" },
    });
    if (!res.ok) throw new Error(res.reason);
    r = res.next;
  }
  return r;
}

const TO_READY: RollbackActionInput[] = [
  { type: "halt", reason: "Logons fail" },
  { type: "confirmPriority", priority: "HIGH", rationale: "300 desktops cannot log on" },
  { type: "authorise" },
  { type: "cleanPackages", fingerprint: cleanup.fingerprint },
  { type: "build" },
  { type: "addTest", name: "Logon works after removal", scope: "CORE" },
  { type: "recordTestResult", testId: "t1", result: "PASSED" },
  { type: "acceptRelease" },
];

function detailOf(record: RollbackRecord, o: Partial<RollbackDetail> = {}): RollbackDetail {
  return {
    id: ID,
    version: 7,
    fleetId: FLEET_ID,
    updateId: update.id,
    kbNumber: "KB835732",
    bulletinId: "MS04-011",
    title: update.record.title,
    caseId: null,
    emergencyId: null,
    status: record.status,
    priority: record.priorityConfirmation?.priority ?? record.request.initialPriority,
    priorityConfirmed: record.priorityConfirmation !== null,
    sla: null,
    targeting: record.deployment?.targeting ?? null,
    advertisementId: record.deployment?.advertisementId ?? null,
    openedAt: T0,
    updatedAt: T0,
    record,
    update,
    case: null,
    people: { [actor.userId]: "Erin Lead" },
    laterUpdatesStillInstalled: null,
    advertisementPreview: null,
    oobTaskCounts: {},
    availableActions: availableRollbackActions(record, "ERT_LEAD", false, {
      cleanupPlan: cleanup,
      programs,
      targeting,
    }),
    assessment: record.assessment,
    haltPreview: [],
    cleanupPreview: record.cleanup ? null : cleanup,
    programs,
    targetingCounts: targeting,
    oobTasks: [],
    timeline: [],
    ...o,
  };
}

async function openRollbackPage(detail: RollbackDetail, routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor("ERT_LEAD") },
    [`GET ${URL_}`]: { body: detail },
    ...routes,
  });
  const app = renderApp(`/rollbacks/${ID}`);
  await screen.findByRole("heading", { level: 1, name: /Rollback of KB835732/ });
  return { api, ...app };
}

const steps = () => within(screen.getByRole("list", { name: "Rollback workflow" })).getAllByRole("listitem");

describe("Rollback page", () => {
  it("shows the workflow with the current step marked and the steps done", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY)));
    const current = steps().filter((li) => li.getAttribute("aria-current") === "step");
    expect(current).toHaveLength(1);
    expect(current[0]).toHaveTextContent("8. Target & advertise");
    expect(current[0]).toHaveTextContent("Current step");
    expect(steps()[2]).toHaveTextContent("3. Halt");
    expect(steps()[2]).toHaveTextContent("Done");
    expect(steps()[3]).toHaveTextContent("4. Priority & authorisation");
    expect(steps()[4]).toHaveTextContent("5. Package clean-up");
    expect(steps()[8]).toHaveTextContent("To do");
  });

  it("moves the current step as the rollback moves: halt first, then the priority and the authorisation", async () => {
    const requested = recordAt([]);
    const { api, user } = await openRollbackPage(
      detailOf(requested, {
        haltPreview: [
          {
            advertisementId: "CEN2000A",
            advertisementName: "KB835732 to all workstations",
            packageId: "CEN00021",
            programName: "Install",
            collectionId: "CEN00010",
            programDisabled: false,
            advertisementState: "ACTIVE",
          },
        ],
      }),
    );
    expect(steps().find((li) => li.getAttribute("aria-current") === "step")).toHaveTextContent("Halt");
    const halt = screen.getByRole("region", { name: "Halt the update's deployments" });
    expect(within(halt).getByRole("table", { name: "Deployments that will be halted" })).toHaveTextContent("CEN2000A");

    const halted = recordAt([{ type: "halt", reason: "Logons fail" }]);
    api.set(`POST ${URL_}/actions`, { body: detailOf(halted, { version: 8 }) });
    await user.click(within(halt).getByRole("button", { name: "Halt deployments of the update" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByRole("textbox", { name: /Why the deployments are halted/ }), "Logons fail");
    await user.click(within(dialog).getByRole("button", { name: "Halt deployments of the update" }));
    await waitFor(() =>
      expect(steps().find((li) => li.getAttribute("aria-current") === "step")).toHaveTextContent(
        "Priority & authorisation",
      ),
    );
    // The clean-up cannot be undone: it waits for the decisions, and says so.
    const cleanupPanel = screen.getByRole("region", { name: "Package clean-up" });
    expect(cleanupPanel).toHaveTextContent("The clean-up cannot be undone");
    const clean = within(cleanupPanel).getByRole("button", { name: "Clean up as shown" });
    expect(clean).toBeDisabled();
    expect(clean).toHaveAccessibleDescription(/confirm the rollback's priority/);
    const regions = screen.getAllByRole("region").map((r) => r.getAttribute("aria-labelledby"));
    expect(regions.indexOf("decision-heading")).toBeLessThan(regions.indexOf("cleanup-heading"));
    const [call] = api.callsTo("POST", `${URL_}/actions`);
    expect(call?.headers.get("if-match")).toBe('W/"7"');
    expect(call?.body).toEqual({ type: "halt", reason: "Logons fail", alsoDisableAdvertisement: false });
  });

  it("stops at feasibility with the reason and the alternatives when the update cannot be removed", async () => {
    await openRollbackPage(detailOf(recordAt([], true)));
    const stopped = steps().find((li) => li.getAttribute("aria-current") === "step");
    expect(stopped).toHaveTextContent("2. Feasibility");
    expect(stopped).toHaveTextContent("Stopped here");
    const alert = within(screen.getByRole("region", { name: "Feasibility" })).getByRole("alert");
    expect(alert).toHaveTextContent("This update cannot be rolled back");
    expect(alert).toHaveTextContent("Restore from backup");
    expect(alert).toHaveTextContent("Rebuild the computers");
    expect(alert).toHaveTextContent("Swap in spare hardware");
    expect(screen.queryByRole("region", { name: "Target and advertise" })).not.toBeInTheDocument();
  });

  it("shows which clean-up branch applies before acting and sends the preview's fingerprint", async () => {
    const halted = recordAt(TO_READY.slice(0, 3));
    const { api, user } = await openRollbackPage(detailOf(halted), {
      [`POST ${URL_}/actions`]: apiError(
        409,
        "CONFLICT",
        "The packages that carry KB835732 changed since the clean-up preview was shown. Review the new preview and confirm it again.",
      ),
    });
    const panel = screen.getByRole("region", { name: "Package clean-up" });
    expect(panel).toHaveTextContent("What will happen: Remove the update from its package.");
    const table = within(panel).getByRole("table", { name: "Clean-up preview" });
    expect(table).toHaveTextContent("CEN00021");
    expect(table).toHaveTextContent("3 → 4");
    expect(table).toHaveTextContent("CEN2000A (kept)");
    await user.click(within(panel).getByRole("button", { name: "Clean up as shown" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Clean up as shown" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("changed since the clean-up preview");
    const [call] = api.callsTo("POST", `${URL_}/actions`);
    expect(call?.body).toEqual({ type: "cleanPackages", fingerprint: cleanup.fingerprint });
  });

  it("offers to change a confirmed priority, no longer as the step's main button", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY.slice(0, 1))));
    const panel = screen.getByRole("region", { name: "Priority and authorisation" });
    expect(within(panel).getByRole("button", { name: "Confirm rollback priority" })).toBeEnabled();
    expect(within(panel).queryByRole("button", { name: "Change the rollback priority" })).not.toBeInTheDocument();
  });

  it("shows a confirmed priority with a way to change it, not to confirm it again", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY)));
    const panel = screen.getByRole("region", { name: "Priority and authorisation" });
    expect(panel).toHaveTextContent("Confirmed: High by Erin Lead (ERT lead)");
    expect(within(panel).queryByRole("button", { name: "Confirm rollback priority" })).not.toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Change the rollback priority" })).toBeEnabled();
  });

  it("shows the generated command lines of both programs", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY.slice(0, 4))));
    const panel = screen.getByRole("region", { name: "Rollback package and programs" });
    expect(within(panel).getByRole("group", { name: "Option A: checks first" })).toHaveTextContent(
      'cmd /c (reg query "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" >nul 2>&1 || exit 0) &&',
    );
    expect(within(panel).getByRole("group", { name: "Option B: plain uninstall" })).toHaveTextContent(
      "Run mode: Run with administrative rights",
    );
  });
});

describe("Targeting choice A vs B", () => {
  it("shows both counts side by side and advertises only after a choice, with the choice and If-Match", async () => {
    const ready = recordAt(TO_READY);
    const deploying = transitionRollback(
      ready,
      { type: "advertise", targeting: "APPLIED_ONLY" },
      {
        now: T0,
        actor,
        rollbackId: ID,
        targeting,
        allocated: { advertisementId: "CEN20010", collectionId: "CEN00040" },
      },
    );
    if (!deploying.ok) throw new Error(deploying.reason);
    const { api, user } = await openRollbackPage(detailOf(ready), {
      [`POST ${URL_}/actions`]: { body: detailOf(deploying.next, { version: 8 }) },
    });
    const panel = screen.getByRole("region", { name: "Target and advertise" });
    const a = within(panel).getByRole("radio", { name: /^A · Same collection, program checks first: 5 computers$/ });
    const b = within(panel).getByRole("radio", { name: /^B · Only computers that applied the update: 3 computers$/ });
    expect(a).toHaveAccessibleDescription(
      /Collection CEN00010 and its sub-collections; 3 computers with evidence of KB835732/,
    );
    expect(b).toHaveAccessibleDescription(
      /2 computers with KB835732 installed, 1 computer installed pending a restart/,
    );

    const advertise = within(panel).getByRole("button", { name: "Advertise the rollback" });
    expect(advertise).toBeDisabled();
    expect(advertise).toHaveAccessibleDescription("Choose option A or option B first.");

    await user.click(b);
    expect(b).toHaveAttribute("aria-checked", "true");
    expect(advertise).toBeEnabled();
    await user.click(advertise);
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent(
      "B · Only computers that applied the update: 3 computers. Mandatory, as soon as possible.",
    );
    await user.click(within(dialog).getByRole("button", { name: "Advertise the rollback" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const [call] = api.callsTo("POST", `${URL_}/actions`);
    expect(call?.headers.get("if-match")).toBe('W/"7"');
    // Bound to the count shown: if it changed meanwhile, the API answers 409.
    expect(call?.body).toEqual({ type: "advertise", targeting: "APPLIED_ONLY", expectedTargeted: 3 });
    expect(
      await within(screen.getByRole("region", { name: "Target and advertise" })).findByRole("link", {
        name: "Watch the rollback live (CEN20010)",
      }),
    ).toHaveAttribute("href", "/deployments/CEN20010");
  });

  it("disables an option that would target nobody, with the reason", async () => {
    const empty = rollbackTargetingCounts({
      kbNumber: "KB835732",
      original: { collectionId: "CEN00010", includeSubCollection: false },
      figures: targetingFiguresOf([1001], []),
    });
    await openRollbackPage(detailOf(recordAt(TO_READY), { targetingCounts: empty }));
    const panel = screen.getByRole("region", { name: "Target and advertise" });
    const b = within(panel).getByRole("radio", { name: /^B · Only computers that applied the update: 0 computers$/ });
    expect(b).toBeDisabled();
    expect(b).toHaveAccessibleDescription(
      /Not available: No computer has compliance evidence that it applied KB835732/,
    );
    expect(within(panel).getByRole("radio", { name: /^A · / })).toBeEnabled();
  });
});

describe("Requesting a rollback", () => {
  it("validates the request with the API's schema before sending it", async () => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("SMS_ADMIN") },
      "GET /api/rollbacks": { body: { items: [], page: 1, pageSize: 200, total: 0 } },
      "GET /api/updates": { body: { items: [update] } },
    });
    const { user } = renderApp("/rollbacks");
    await screen.findByRole("heading", { level: 1, name: "Rollbacks" });
    expect(screen.getByText(/No rollback is open/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Request a rollback" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByRole("textbox", { name: /Why roll it back/ }), "Breaks");
    await user.click(within(dialog).getByRole("button", { name: "Request the rollback" }));
    expect(
      await within(dialog).findByText(
        "Say why the update is rolled back (what it breaks, where) (at least 10 characters)",
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByText("Choose a release priority: Emergency, High, Medium or Low")).toBeInTheDocument();
    expect(api.callsTo("POST", "/api/rollbacks")).toHaveLength(0);
  });

  it("from a deployed case: “Roll back this update…” requests it for that update and opens the rollback", async () => {
    const c = caseDetail({ status: "DEPLOYING", phase: "DEPLOY" });
    c.record = { ...c.record, status: "DEPLOYING", advertisementId: "CEN2000A" };
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_LEAD") },
      [`GET /api/cases/${c.id}`]: { body: c },
      "GET /api/rollbacks": { body: { items: [], page: 1, pageSize: 200, total: 0 } },
      "POST /api/rollbacks": { status: 201, body: detailOf(recordAt([])) },
      [`GET ${URL_}`]: { body: detailOf(recordAt([])) },
    });
    const { user } = renderApp(`/triage/cases/${c.id}`);
    // The whole case page loads first: allow it the time a loaded machine needs.
    await user.click(await screen.findByRole("button", { name: "Roll back this update…" }, { timeout: 5_000 }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("KB835732");
    await user.type(
      within(dialog).getByRole("textbox", { name: /Why roll it back/ }),
      "Logons fail on XP SP1 desktops",
    );
    await user.click(within(dialog).getByRole("radio", { name: /^High/ }));
    await user.click(within(dialog).getByRole("button", { name: "Request the rollback" }));
    await screen.findByRole("heading", { level: 1, name: /Rollback of KB835732/ }, { timeout: 5_000 });
    expect(api.callsTo("GET", "/api/rollbacks")[0]?.search.get("updateId")).toBe(c.updateId);
    expect(api.callsTo("POST", "/api/rollbacks")[0]?.body).toEqual({
      fleet: "production",
      updateId: c.updateId,
      reason: "Logons fail on XP SP1 desktops",
      initialPriority: "HIGH",
    });
  });
});

describe("Rollback page after the review findings", () => {
  const deployingRecord = () => {
    const res = transitionRollback(
      recordAt(TO_READY),
      { type: "advertise", targeting: "APPLIED_ONLY" },
      {
        now: T0,
        actor,
        rollbackId: ID,
        targeting,
        allocated: { advertisementId: "CEN20010", collectionId: "CEN00040" },
      },
    );
    if (!res.ok) throw new Error(res.reason);
    return res.next;
  };

  it("names people by their display name, not their user id", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY)));
    const decision = screen.getByRole("region", { name: "Priority and authorisation" });
    expect(decision).toHaveTextContent("Confirmed: High by Erin Lead");
    expect(decision).not.toHaveTextContent(actor.userId);
  });

  const hkcu = rollbackPrograms({ ...update.record, detectionRule: { registryKey: "HKCU\\Software\\KB835732" } });
  const figures = { members: 5, membersWithEvidence: 2, installed: 3, pendingReboot: 0, evidenceOutsideCollection: 1 };

  it("builds option B even when the check-first program cannot be built, and says why option A is unavailable", async () => {
    await openRollbackPage(detailOf(recordAt(TO_READY.slice(0, 4)), { programs: hkcu }));
    const build = screen.getByRole("region", { name: "Rollback package and programs" });
    expect(within(build).getByRole("group", { name: "Option A: checks first" })).toHaveTextContent(
      /Option A is unavailable.*runs as SYSTEM.*plain uninstall program is built all the same/,
    );
    expect(within(build).getByRole("group", { name: "Option B: plain uninstall" })).toBeInTheDocument();
    expect(within(build).getByRole("button", { name: "Build the rollback package" })).toBeEnabled();
  });

  it("shows the reason an option is unavailable outside the dimmed card, and warns about evidence outside the collection", async () => {
    const noA = rollbackTargetingCounts({
      kbNumber: "KB835732",
      original: { collectionId: "CEN00010", includeSubCollection: true },
      figures,
      checkFirstUnavailable: hkcu.checkFirstIssues.join(" "),
    });
    await openRollbackPage(detailOf(recordAt(TO_READY), { programs: hkcu, targetingCounts: noA }));
    const panel = screen.getByRole("region", { name: "Target and advertise" });
    const a = within(panel).getByRole("radio", { name: /^A · / });
    expect(a).toBeDisabled();
    expect(a).toHaveAccessibleDescription(/Not available: The check-first program cannot be built: .*HKCU/);
    const reason = within(panel).getByText(/^Not available: The check-first program cannot be built/);
    expect(a.closest("[data-disabled], [disabled]")?.contains(reason) ?? false).toBe(false);
    expect(within(panel).getByRole("alert")).toHaveTextContent(
      "1 computer with evidence of KB835732 is not in collection CEN00010: option A does not reach it, option B does.",
    );
  });

  it("shows where the targeted computers stand before verifying, and the groups of the last verification after", async () => {
    const deploying = deployingRecord();
    const now = Date.parse(T0) + 30 * 3_600_000;
    const preview = rollbackVerification({
      kbNumber: "KB835732",
      advertisedAt: T0,
      now,
      rows: [1001, 1002, 1003].map((resourceId) => ({
        resourceId,
        hadUpdate: true,
        complianceState: resourceId === 1001 ? "ROLLED_BACK" : "INSTALLED",
        complianceTime: resourceId === 1001 ? now - 3_600_000 : T0,
        clientState: resourceId === 1002 ? "SUCCEEDED" : null,
        clientStatusTime: resourceId === 1002 ? now - 3_600_000 : null,
        exitCode: null,
        lastSeenAt: null,
        taskId: null,
        taskState: null,
      })),
    });
    const verified = transitionRollback(
      deploying,
      { type: "verify", graceHours: 12 },
      { now, actor, rollbackId: ID, verification: preview },
    );
    if (!verified.ok) throw new Error(verified.reason);
    const { needTask: _n, closeTasks: _c, ...figures } = preview;
    const { api, user } = await openRollbackPage(detailOf(deploying), {
      [`GET ${URL_}/verification`]: { body: { ...figures, at: new Date(now).toISOString() } },
      [`POST ${URL_}/actions`]: { body: detailOf(verified.next, { version: 8 }) },
    });
    const verify = screen.getByRole("region", { name: "Monitor and verify" });
    const nowTable = await within(verify).findByRole("table", { name: "Targeted computers now" });
    expect(within(nowTable).getByRole("row", { name: /Removed \(compliance\) 1/ })).toBeInTheDocument();
    expect(within(nowTable).getByRole("row", { name: /Awaiting compliance scan 1/ })).toBeInTheDocument();
    expect(within(nowTable).getByRole("row", { name: /Unreachable 1/ })).toBeInTheDocument();
    expect(verify).toHaveTextContent("Verifying now would create 1 task and close 0 tasks");

    await user.click(within(verify).getByRole("button", { name: "Verify removal" }));
    const dialog = await screen.findByRole("dialog");
    const grace = within(dialog).getByRole("textbox", { name: /Grace window \(hours\)/ });
    expect(grace).toHaveValue("24");
    await user.clear(grace);
    await user.type(grace, "12");
    await user.click(within(dialog).getByRole("button", { name: "Verify removal" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.callsTo("POST", `${URL_}/actions`)[0]?.body).toEqual({ type: "verify", graceHours: 12 });
    const after = await within(screen.getByRole("region", { name: "Monitor and verify" })).findByRole("table", {
      name: "Targeted computers at the last verification",
    });
    expect(within(after).getByRole("row", { name: /Unreachable 1/ })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Monitor and verify" })).toHaveTextContent(
      "2 computers still have KB835732",
    );
  });
});
