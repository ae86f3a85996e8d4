import type { HaltRuleView, HaltTarget, HaltTargets, HaltVerification, ReleaseHaltView } from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { advertisement, collection, FLEET, statusSummary } from "../../../test/fleet-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import {
  EMERGENCY_ID,
  FLEET_ID,
  checklistPreview,
  monitor,
  oobPage,
  uuid,
  warRoom,
} from "../../../test/process-fixtures";
import { renderApp } from "../../../test/render-app";

const ADVERT = `${FLEET}/advertisements/CEN20001`;
const RULE = `${ADVERT}/halt-rule`;
const TARGETS = `${ADVERT}/halt-targets`;
const CASE_ID = uuid(10);
const SENTENCE = "Halt rule of CEN20001: 12 of 30 installs failed at site BRN (40 % ≥ 25 %, sample ≥ 20)";
/** The screens are lazy routes: on a loaded machine the first render can take longer than findBy's 1 s. */
const SLOW = { timeout: 10_000 };

// Load the lazy route modules once up front, so no test pays for the import inside its findBy.
beforeAll(async () => {
  await Promise.all([
    import("../../routes/advertisement"),
    import("../../routes/deployment-monitor"),
    import("../../routes/war-room"),
  ]);
}, 60_000);

const ruleView = (o: Partial<HaltRuleView> = {}): HaltRuleView => ({
  id: uuid(700),
  version: 3,
  advertisementId: "CEN20001",
  rule: {
    failureCount: null,
    failurePct: 25,
    minSample: 20,
    perSite: true,
    overall: true,
    alsoDisableAdvertisement: false,
  },
  enabled: true,
  state: "ARMED",
  countSince: null,
  firedAt: null,
  firing: null,
  current: [
    {
      scope: "OVERALL",
      siteCode: null,
      finished: 19,
      failed: 4,
      failurePct: 21.05,
      sampleMet: false,
      reached: [],
      fires: false,
    },
  ],
  lastEvaluatedAt: "2026-05-01T10:59:00.000Z",
  lastError: null,
  description:
    "Halts when 25 % of installs fail at any site or overall, once at least 20 finished there; disables the program.",
  case: null,
  createdAt: "2026-05-01T10:00:00.000Z",
  updatedAt: "2026-05-01T10:00:00.000Z",
  ...o,
});

const fired = (): HaltRuleView =>
  ruleView({
    state: "FIRED",
    version: 4,
    firedAt: "2026-05-01T11:00:00.000Z",
    firing: {
      scope: "SITE",
      siteCode: "BRN",
      finished: 30,
      failed: 12,
      failurePct: 40,
      sampleMet: true,
      reached: ["PCT"],
      fires: true,
      advertisementId: "CEN20001",
      minSample: 20,
      failureCount: null,
      failurePctThreshold: 25,
      sentence: SENTENCE,
    },
  });

async function openAdvert(role: "SMS_ADMIN" | "OBSERVER", rule: Parameters<typeof mockApi>[0][string]) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${ADVERT}`]: { body: advertisement() },
    [`GET ${ADVERT}/status`]: { body: statusSummary },
    [`GET ${FLEET}/collections`]: { body: { items: [collection()] } },
    [`GET ${RULE}`]: rule,
  });
  const app = renderApp("/sites/advertisements/CEN20001");
  await screen.findByRole("heading", { name: "MS04-011 emergency", level: 1 }, SLOW);
  const panel = await screen.findByRole("region", { name: "Halt rule" }, SLOW);
  return { api, panel, ...app };
}

describe("Advertisement → Halt rule panel", () => {
  it("sets a rule: the domain schema refuses a rule without a scope, then the PUT goes without If-Match", async () => {
    const { api, panel, user } = await openAdvert(
      "SMS_ADMIN",
      apiError(404, "NOT_FOUND", "Advertisement CEN20001 has no halt rule. Set one with PUT to watch its failures."),
    );
    expect(await within(panel).findByText(/No automatic halt rule/)).toBeInTheDocument();
    api.set(`PUT ${RULE}`, { status: 201, body: ruleView() });

    await user.click(within(panel).getByRole("checkbox", { name: "Each site on its own" }));
    await user.click(within(panel).getByRole("checkbox", { name: "All sites together" }));
    await user.click(within(panel).getByRole("button", { name: "Set rule" }));
    expect(
      await within(panel).findByText("Choose where the rule looks: per site, overall, or both."),
    ).toBeInTheDocument();
    expect(api.callsTo("PUT", RULE)).toHaveLength(0);

    await user.click(within(panel).getByRole("checkbox", { name: "Each site on its own" }));
    const count = within(panel).getByRole("textbox", { name: /Failure count/ });
    await user.type(count, "10");
    await user.click(within(panel).getByRole("button", { name: "Set rule" }));
    await waitFor(() => expect(api.callsTo("PUT", RULE)).toHaveLength(1));
    const put = api.callsTo("PUT", RULE)[0]!;
    expect(put.headers.get("if-match")).toBeNull();
    expect(put.body).toEqual({
      failureCount: 10,
      failurePct: 25,
      minSample: 20,
      perSite: true,
      overall: false,
      alsoDisableAdvertisement: false,
      enabled: true,
    });
    expect(await within(panel).findByText("Armed")).toBeInTheDocument();
  });

  it("shows an armed rule with what it sees now, short of its sample", async () => {
    const { panel } = await openAdvert("SMS_ADMIN", { body: ruleView() });
    expect(await within(panel).findByText("Armed")).toBeInTheDocument();
    expect(
      within(panel).getByText("All sites: 4 of 19 failed (21.1 %); 19 of the 20 finished it needs"),
    ).toBeInTheDocument();
  });

  it("says no client has finished yet while the watched scopes have no result (not 0 of 0 failed)", async () => {
    const empty = { ...ruleView().current[0]!, finished: 0, failed: 0, failurePct: 0 };
    const { panel } = await openAdvert("SMS_ADMIN", { body: ruleView({ current: [empty] }) });
    expect(await within(panel).findByText("No client has finished the program yet.")).toBeInTheDocument();
    expect(within(panel).queryByText(/0 of 0 failed/)).not.toBeInTheDocument();
  });

  it("says when the rule could not be evaluated, so nobody trusts a rule that cannot fire", async () => {
    const { panel } = await openAdvert("SMS_ADMIN", {
      body: ruleView({
        lastError: { at: "2026-05-01T11:00:00.000Z", message: "Error: the database did not answer" },
      }),
    });
    const alert = await within(panel).findByText(/the database did not answer/);
    expect(alert).toHaveTextContent("It is tried again with the next status batch and the periodic sweep");
    expect(within(panel).getByText("The rule could not be evaluated")).toBeInTheDocument();
  });

  it("shows a fired rule with what it saw, and re-arms it after a confirmation, with a note and If-Match", async () => {
    const { api, panel, user } = await openAdvert("SMS_ADMIN", { body: fired() });
    expect(await within(panel).findByText("Fired")).toBeInTheDocument();
    expect(within(panel).getByText(SENTENCE)).toBeInTheDocument();
    api.set(`POST ${RULE}/rearm`, { body: ruleView({ version: 5, countSince: "2026-05-01T12:00:00.000Z" }) });
    await user.click(within(panel).getByRole("button", { name: "Re-arm the rule…" }));
    expect(api.callsTo("POST", `${RULE}/rearm`)).toHaveLength(0);
    expect(within(panel).getByText(/counts only results reported from now on/)).toBeInTheDocument();
    await user.type(within(panel).getByRole("textbox", { name: /Note/ }), "Bad media replaced on the DPs");
    await user.click(within(panel).getByRole("button", { name: "Re-arm" }));
    await waitFor(() => expect(api.callsTo("POST", `${RULE}/rearm`)).toHaveLength(1));
    const call = api.callsTo("POST", `${RULE}/rearm`)[0]!;
    expect(call.headers.get("if-match")).toBe('W/"4"');
    expect(call.body).toEqual({ note: "Bad media replaced on the DPs" });
    expect(await within(panel).findByText("Armed")).toBeInTheDocument();
    expect(within(panel).getByText(/Counting results reported since/)).toBeInTheDocument();
  });

  it("is read-only for an observer, saying who may set it", async () => {
    const { panel } = await openAdvert("OBSERVER", { body: fired() });
    expect(await within(panel).findByText("Fired")).toBeInTheDocument();
    expect(within(panel).queryByRole("button", { name: "Re-arm the rule…" })).not.toBeInTheDocument();
    expect(within(panel).queryByRole("button", { name: "Change the rule" })).not.toBeInTheDocument();
    expect(
      within(panel).getByText(/Setting a halt rule needs the ERT lead or SMS administrator role/),
    ).toBeInTheDocument();
  });

  it("says what to do when the rule cannot be loaded", async () => {
    const { panel } = await openAdvert("SMS_ADMIN", apiError(503, "UNAVAILABLE", "The database is not answering."));
    expect(await within(panel).findByRole("alert")).toHaveTextContent("Could not load the halt rule");
    expect(within(panel).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

// ── the deployment monitor: the verification card, the halt and the resume

class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = FakeEventSource.CONNECTING;
  constructor(readonly url: string) {}
  addEventListener() {}
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

const verification = (o: Partial<HaltVerification> = {}): HaltVerification => ({
  advertisementId: "CEN20001",
  generatedAt: "2026-05-01T12:00:00.000Z",
  state: "NOT_HALTED",
  haltedAt: null,
  lastStart: {
    resourceId: 2101,
    machineName: "BRN-PC001",
    siteCode: "BRN",
    time: "2026-05-01T11:50:00.000Z",
    receivedAt: "2026-05-01T11:52:00.000Z",
  },
  startsAfterHalt: 0,
  machinesAfterHalt: 0,
  possiblyBeforeHalt: 0,
  firstStartsAfterHalt: [],
  summary: "The program is not disabled; last program start received 2026-05-01 11:52:00 UTC.",
  programDisabled: false,
  advertisementState: "ACTIVE",
  haltSource: null,
  automaticRule: null,
  halt: null,
  case: null,
  ...o,
});

const haltView = (o: Partial<ReleaseHaltView> = {}): ReleaseHaltView => ({
  id: uuid(800),
  version: 1,
  advertisementId: "CEN20001",
  packageId: "CEN0001A",
  programName: "Install",
  haltedAt: "2026-05-01T11:00:00.000Z",
  haltedBy: "sms-admin",
  reason: "Installer hangs on XP SP1",
  automaticRule: null,
  disabledProgram: true,
  disabledAdvertisement: false,
  cases: [],
  resumedAt: null,
  resumedBy: null,
  ...o,
});

const target = (advertisementId: string, o: Partial<HaltTarget> = {}): HaltTarget => ({
  advertisementId,
  advertisementName: `Deployment ${advertisementId}`,
  packageId: "CEN0001A",
  programName: "Install",
  state: "ACTIVE",
  programDisabled: false,
  halted: false,
  cases: [],
  ...o,
});

const targets = (o: Partial<HaltTargets> = {}): HaltTargets => ({
  advertisementId: "CEN20001",
  kbNumbers: ["KB835732"],
  release: [target("CEN20001")],
  everyDeployment: [target("CEN20001")],
  ...o,
});

const MONITOR = `${ADVERT}/monitor`;

async function openMonitor(
  role: "SMS_ADMIN" | "OBSERVER" | "ERT_LEAD",
  v: HaltVerification,
  routes: Parameters<typeof mockApi>[0] = {},
  advert = advertisement({ programDisabled: v.programDisabled, state: v.advertisementState }),
) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${MONITOR}`]: { body: monitor({ haltVerification: v }) },
    [`GET ${ADVERT}`]: { body: advert },
    [`GET ${TARGETS}`]: { body: targets() },
    ...routes,
  });
  const app = renderApp("/deployments/CEN20001");
  await screen.findByRole("heading", { level: 1, name: /Deployment/ }, SLOW);
  return { api, ...app };
}

describe("Deployment monitor → halt verification and the halt action", () => {
  beforeEach(() => {
    vi.stubGlobal("EventSource", FakeEventSource);
  });

  it("flags starts received after the halt in red, with the machines, when they arrived and their client time", async () => {
    await openMonitor(
      "OBSERVER",
      verification({
        state: "STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        lastStart: {
          resourceId: 2102,
          machineName: "BRN-PC002",
          siteCode: "BRN",
          time: "2026-05-01T11:20:00.000Z",
          receivedAt: "2026-05-01T11:21:00.000Z",
        },
        startsAfterHalt: 3,
        machinesAfterHalt: 2,
        possiblyBeforeHalt: 1,
        firstStartsAfterHalt: [
          {
            resourceId: 2101,
            machineName: "BRN-PC001",
            siteCode: "BRN",
            time: "2026-05-01T10:58:00.000Z",
            receivedAt: "2026-05-01T11:05:00.000Z",
            clientTimeBeforeHalt: true,
          },
          {
            resourceId: 2102,
            machineName: "BRN-PC002",
            siteCode: "BRN",
            time: "2026-05-01T11:20:00.000Z",
            receivedAt: "2026-05-01T11:21:00.000Z",
            clientTimeBeforeHalt: false,
          },
        ],
        programDisabled: true,
        haltSource: "ADVERTISEMENT",
        automaticRule: SENTENCE,
        halt: haltView({
          automaticRule: SENTENCE,
          cases: [{ id: CASE_ID, version: 9, status: "HALTED", kbNumber: "KB835732", emergencyId: null }],
        }),
        case: { id: CASE_ID, version: 9, status: "HALTED", kbNumber: "KB835732", emergencyId: null },
      }),
    );
    const card = screen.getByRole("region", { name: "Halt verification" });
    expect(
      within(card).getByText(/^Program disabled at .*; last program start received .* \(client time .*\)\.$/),
    ).toBeInTheDocument();
    expect(within(card).getByText(`Halted automatically. ${SENTENCE}`)).toBeInTheDocument();
    const alert = within(card).getByRole("alert");
    expect(alert).toHaveTextContent("3 starts received after the halt on 2 machines");
    expect(alert).toHaveTextContent("1 start carries a client time before the halt");
    const machines = within(alert).getByRole("table", { name: "Machines that started after the halt" });
    const early = within(machines).getByRole("row", { name: /BRN-PC001/ });
    expect(early).toHaveTextContent("possibly started before the halt (client clock)");
    expect(within(machines).getByRole("row", { name: /BRN-PC002/ })).not.toHaveTextContent("possibly started");
    expect(within(card).getByRole("link", { name: "KB835732" })).toHaveAttribute("href", `/triage/cases/${CASE_ID}`);
    // Observers see no halt action.
    expect(screen.queryByRole("button", { name: "Halt deployment…" })).not.toBeInTheDocument();
  });

  it("verifies a halt with no start after it", async () => {
    await openMonitor(
      "OBSERVER",
      verification({
        state: "NO_STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T12:00:00.000Z",
        programDisabled: true,
        haltSource: "ADVERTISEMENT",
        halt: haltView(),
      }),
    );
    const card = screen.getByRole("region", { name: "Halt verification" });
    expect(within(card).getByText("No start after the halt")).toBeInTheDocument();
    expect(within(card).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("still offers the halt while the advertisement is active, though the program is disabled", async () => {
    await openMonitor(
      "SMS_ADMIN",
      verification({
        state: "STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        startsAfterHalt: 1,
        machinesAfterHalt: 1,
        firstStartsAfterHalt: [
          {
            resourceId: 2101,
            machineName: "BRN-PC001",
            siteCode: "BRN",
            time: "2026-05-01T11:05:00.000Z",
            receivedAt: "2026-05-01T11:05:00.000Z",
            clientTimeBeforeHalt: false,
          },
        ],
        programDisabled: true,
        advertisementState: "ACTIVE",
        haltSource: "ADVERTISEMENT",
        halt: haltView(),
      }),
    );
    const card = screen.getByRole("region", { name: "Halt verification" });
    expect(
      within(card).getByText(/also disable the advertisement \(Halt deployment… with the box ticked\)/),
    ).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Halt deployment…" })).toBeInTheDocument();
  });

  it("offers no halt once the advertisement is disabled and no case deploys through it", async () => {
    await openMonitor(
      "SMS_ADMIN",
      verification({
        state: "NO_STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        programDisabled: true,
        advertisementState: "DISABLED",
        haltSource: "ADVERTISEMENT",
        halt: haltView({ disabledAdvertisement: true }),
      }),
    );
    await screen.findByRole("region", { name: "Halt verification" });
    await waitFor(() => expect(screen.getByText("Program disabled (halted)")).toBeInTheDocument());
    expect(screen.queryByRole("button", { name: "Halt deployment…" })).not.toBeInTheDocument();
  });

  it("brings the header in step when the live monitor reports the halt first (an automatic rule fired)", async () => {
    // The advertisement was read before the rule fired; only the monitor knows of the halt yet.
    const before = advertisement({ programDisabled: false, state: "ACTIVE" });
    const after = advertisement({ programDisabled: true, state: "ACTIVE" });
    let reads = 0;
    const { api } = await openMonitor(
      "OBSERVER",
      verification({
        state: "NO_STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        programDisabled: true,
        haltSource: "ADVERTISEMENT",
        automaticRule: SENTENCE,
        halt: haltView({ automaticRule: SENTENCE }),
      }),
      { [`GET ${ADVERT}`]: () => ({ body: reads++ === 0 ? before : after }) },
    );
    expect(await screen.findByText("Program disabled (halted)", {}, SLOW)).toBeInTheDocument();
    expect(api.callsTo("GET", ADVERT).length).toBeGreaterThanOrEqual(2);
  });

  it("halts through the case's halt action (If-Match) when a case deploys the advertisement", async () => {
    const caseRef = { id: CASE_ID, version: 9, status: "DEPLOYING" as const, kbNumber: "KB835732", emergencyId: null };
    const { api, user } = await openMonitor("SMS_ADMIN", verification({ case: caseRef }), {
      [`GET ${TARGETS}`]: {
        body: targets({
          release: [
            target("CEN20001", { cases: [caseRef] }),
            target("CEN20009", { cases: [{ ...caseRef, id: uuid(11), kbNumber: "KB823980" }] }),
          ],
        }),
      },
      [`POST /api/cases/${CASE_ID}/actions`]: apiError(
        409,
        "ILLEGAL_TRANSITION",
        "Halt is not possible while the case is Halted; it needs: Deploying, Deployed.",
      ),
    });
    await user.click(await screen.findByRole("button", { name: "Halt deployment…" }));
    const dialog = await screen.findByRole("dialog", { name: "Halt the deployment" });
    expect(within(dialog).getByText(/Case KB835732 moves to Halted/)).toBeInTheDocument();
    // The other advertisement of the program stops too, and its case with it.
    expect(
      await within(dialog).findByText(/Case KB823980 deploying through the same program moves to Halted too/),
    ).toBeInTheDocument();
    const stopping = within(dialog).getByRole("list", { name: "Advertisements that will stop" });
    expect(
      within(stopping)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "CEN20001 — CEN0001A / Install; case KB835732 moves to Halted",
      "CEN20009 — CEN0001A / Install; case KB823980 moves to Halted",
    ]);
    await user.click(within(dialog).getByRole("button", { name: "Halt deployment" }));
    expect(await within(dialog).findByText(/at least 5 characters/)).toBeInTheDocument();
    expect(api.callsTo("POST", `/api/cases/${CASE_ID}/actions`)).toHaveLength(0);

    await user.type(
      within(dialog).getByRole("textbox", { name: /Why is the deployment halted/ }),
      "Blue screens after install",
    );
    await user.click(within(dialog).getByRole("checkbox", { name: /Also disable the advertisement CEN20001/ }));
    await user.click(within(dialog).getByRole("button", { name: "Halt deployment" }));
    await waitFor(() => expect(api.callsTo("POST", `/api/cases/${CASE_ID}/actions`)).toHaveLength(1));
    const call = api.callsTo("POST", `/api/cases/${CASE_ID}/actions`)[0]!;
    expect(call.headers.get("if-match")).toBe('W/"9"');
    expect(call.body).toEqual({ type: "halt", reason: "Blue screens after install", alsoDisableAdvertisement: true });
    // A refusal is shown in the dialog, which stays open.
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Halt is not possible while the case is Halted");
  });

  it("halts the advertisement directly when no case deploys it, and says how the halt is lifted", async () => {
    const { api, user } = await openMonitor("SMS_ADMIN", verification(), {
      [`POST ${ADVERT}/halt`]: {
        body: {
          halted: [
            {
              advertisementId: "CEN20001",
              packageId: "CEN0001A",
              programName: "Install",
              programWasAlreadyDisabled: false,
              advertisementDisabled: false,
              caseIds: [],
              why: "NAMED",
              haltId: uuid(800),
            },
          ],
        },
      },
    });
    await user.click(await screen.findByRole("button", { name: "Halt deployment…" }));
    const dialog = await screen.findByRole("dialog", { name: "Halt the deployment" });
    expect(
      await within(dialog).findByText(
        /No case deploys through it: the halt stays in force until someone resumes the deployment from its monitor/,
      ),
    ).toBeInTheDocument();
    expect(within(dialog).queryByText(/resuming the case/i)).not.toBeInTheDocument();
    await user.type(
      within(dialog).getByRole("textbox", { name: /Why is the deployment halted/ }),
      "Installer hangs on XP SP1",
    );
    await user.click(within(dialog).getByRole("button", { name: "Halt deployment" }));
    await waitFor(() => expect(api.callsTo("POST", `${ADVERT}/halt`)).toHaveLength(1));
    expect(api.callsTo("POST", `${ADVERT}/halt`)[0]!.body).toEqual({
      reason: "Installer hangs on XP SP1",
      alsoDisableAdvertisement: false,
      everyDeploymentOfUpdate: false,
    });
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Halt the deployment" })).not.toBeInTheDocument());
  });

  it("offers to halt every deployment of the update, listing the advertisements that will stop", async () => {
    const { api, user } = await openMonitor("SMS_ADMIN", verification(), {
      [`GET ${TARGETS}`]: {
        body: targets({
          everyDeployment: [
            target("CEN20001"),
            target("CEN20002", { packageId: "CEN0001B", programName: "Install (servers)" }),
            target("NYC20001", {
              packageId: "NYC00004",
              cases: [{ id: uuid(12), version: 2, status: "DEPLOYING", kbNumber: "KB835732", emergencyId: null }],
            }),
          ],
        }),
      },
      [`POST ${ADVERT}/halt`]: { body: { halted: [] } },
    });
    await user.click(await screen.findByRole("button", { name: "Halt deployment…" }));
    const dialog = await screen.findByRole("dialog", { name: "Halt the deployment" });
    await user.click(
      await within(dialog).findByRole("radio", { name: "Halt every deployment of KB835732 (3 advertisements)" }),
    );
    const stopping = within(dialog).getByRole("list", { name: "Advertisements that will stop" });
    expect(
      within(stopping)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "CEN20001 — CEN0001A / Install",
      "CEN20002 — CEN0001B / Install (servers)",
      "NYC20001 — NYC00004 / Install; case KB835732 moves to Halted",
    ]);
    await user.type(
      within(dialog).getByRole("textbox", { name: /Why is the deployment halted/ }),
      "Blue screens on XP SP1",
    );
    await user.click(within(dialog).getByRole("button", { name: "Halt every deployment" }));
    await waitFor(() => expect(api.callsTo("POST", `${ADVERT}/halt`)).toHaveLength(1));
    expect(api.callsTo("POST", `${ADVERT}/halt`)[0]!.body).toEqual({
      reason: "Blue screens on XP SP1",
      alsoDisableAdvertisement: false,
      everyDeploymentOfUpdate: true,
    });
  });

  it("resumes a halt no case stands behind, from the monitor", async () => {
    const { api, user } = await openMonitor(
      "ERT_LEAD",
      verification({
        state: "NO_STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        programDisabled: true,
        advertisementState: "DISABLED",
        haltSource: "ADVERTISEMENT",
        halt: haltView({ disabledAdvertisement: true }),
      }),
      {
        [`POST ${ADVERT}/resume`]: {
          body: {
            advertisementId: "CEN20001",
            programEnabled: true,
            advertisementEnabled: true,
            programStillDisabledBy: [],
            summary:
              "The halt of CEN20001 is lifted: program CEN0001A/Install runs again and CEN20001 is active again.",
          },
        },
      },
    );
    const card = screen.getByRole("region", { name: "Halt verification" });
    expect(within(card).getByText(/No halted case stands behind this halt/)).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Resume deployment…" }));
    const dialog = await screen.findByRole("dialog", { name: "Resume the deployment" });
    expect(within(dialog).getByText(/and makes CEN20001 active again/)).toBeInTheDocument();
    await user.type(
      within(dialog).getByRole("textbox", { name: /Why may the deployment resume/ }),
      "Fixed installer on the DPs",
    );
    await user.click(within(dialog).getByRole("button", { name: "Resume deployment" }));
    await waitFor(() => expect(api.callsTo("POST", `${ADVERT}/resume`)).toHaveLength(1));
    expect(api.callsTo("POST", `${ADVERT}/resume`)[0]!.body).toEqual({ reason: "Fixed installer on the DPs" });
  });

  it("offers no resume on the monitor when a halted case stands behind the halt", async () => {
    const caseRef = { id: CASE_ID, version: 9, status: "HALTED" as const, kbNumber: "KB835732", emergencyId: null };
    await openMonitor(
      "ERT_LEAD",
      verification({
        state: "NO_STARTS_AFTER_HALT",
        haltedAt: "2026-05-01T11:00:00.000Z",
        programDisabled: true,
        haltSource: "ADVERTISEMENT",
        halt: haltView({ cases: [caseRef] }),
        case: caseRef,
      }),
    );
    await screen.findByRole("region", { name: "Halt verification" });
    expect(screen.queryByRole("button", { name: "Resume deployment…" })).not.toBeInTheDocument();
  });
});

describe("War room → automatic halt alert", () => {
  const HALTS = `/api/fleets/${FLEET_ID}/halts`;
  const firedEvent = {
    seq: "9",
    at: "2026-05-01T11:00:00.000Z",
    type: "HALT_RULE_FIRED" as const,
    actorName: "halt-rule",
    actorRole: null,
    underAuthorityGrant: false,
    caseId: CASE_ID,
    emergencyId: EMERGENCY_ID,
    summary: `ALERT: ${SENTENCE}. The release is halted; the ERT decides on resume or rollback.`,
    payload: { advertisementId: "CEN20001", rule: SENTENCE, scope: "SITE", siteCode: "BRN", failed: 12, finished: 30 },
  };

  async function openWarRoom(halts: ReleaseHaltView[]) {
    const base = warRoom();
    mockApi({
      "GET /api/auth/session": { body: sessionFor("OBSERVER") },
      [`GET /api/emergencies/${EMERGENCY_ID}`]: { body: warRoom({ timeline: [...base.timeline, firedEvent] }) },
      [`GET /api/emergencies/${EMERGENCY_ID}/checklist`]: { body: checklistPreview() },
      "GET /api/oob-tasks": { body: oobPage([]) },
      [`GET ${HALTS}`]: { body: { items: halts } },
    });
    renderApp(`/emergencies/${EMERGENCY_ID}`);
    await screen.findByRole("heading", { level: 1, name: "Sasser worm outbreak" }, SLOW);
  }

  it("shows an automatic halt in force prominently, with a way to the deployment and the case", async () => {
    await openWarRoom([
      haltView({
        automaticRule: SENTENCE,
        haltedBy: "halt-rule",
        cases: [{ id: CASE_ID, version: 9, status: "HALTED", kbNumber: "KB835732", emergencyId: EMERGENCY_ID }],
      }),
    ]);
    const alert = (
      await screen.findByText("An automatic halt rule halted a deployment", {}, SLOW)
    ).closest<HTMLElement>('[role="alert"]')!;
    expect(alert).toHaveTextContent(SENTENCE);
    expect(within(alert).getByRole("link", { name: "Open the deployment monitor of CEN20001" })).toHaveAttribute(
      "href",
      "/deployments/CEN20001",
    );
    expect(within(alert).getByRole("link", { name: "Case KB835732 (Halted)" })).toHaveAttribute(
      "href",
      `/triage/cases/${CASE_ID}`,
    );
  });

  it("alerts a halt no case of this emergency stands behind (a caseless advertisement, another emergency's case)", async () => {
    await openWarRoom([
      haltView({
        advertisementId: "NYC20007",
        automaticRule: "Halt rule of NYC20007: 9 of 20 installs failed across all sites (45 % ≥ 25 %, sample ≥ 20)",
      }),
    ]);
    const alert = (
      await screen.findByText("An automatic halt rule halted a deployment", {}, SLOW)
    ).closest<HTMLElement>('[role="alert"]')!;
    expect(alert).toHaveTextContent("Halt rule of NYC20007");
    expect(alert).toHaveTextContent("No case deploys it: resume it from its deployment monitor.");
  });

  it("shows no alert once the halt is resumed, though the timeline keeps the firing; a person's halt is no alert", async () => {
    await openWarRoom([haltView({ automaticRule: null })]);
    await screen.findByRole("region", { name: /Timeline/ }, SLOW);
    expect(screen.getAllByText(new RegExp(`ALERT: ${SENTENCE.replace(/[()]/g, "\\$&")}`)).length).toBeGreaterThan(0);
    expect(screen.queryByText(/automatic halt rule halted/)).not.toBeInTheDocument();
  });
});
