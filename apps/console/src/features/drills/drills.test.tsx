import {
  DrillSchema,
  WORM_OUTBREAK_SCENARIO,
  buildDrillReport,
  parseDrillScenario,
  type DrillDetail,
  type DrillReportView,
  type DrillScenarioView,
} from "@firebreak/domain";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const DRILL = uuid(900);
const scenario = parseDrillScenario(WORM_OUTBREAK_SCENARIO);
const scenarioView: DrillScenarioView = {
  ...scenario,
  fleet: { preset: "demo", seed: 5011, activeRelease: false, releaseCase: "NONE" },
  injects: scenario.injects.map((i) => ({ ...i, parameters: { ...i.parameters } })),
  builtIn: true,
};
const staff = {
  items: [
    { id: uuid(1), username: "umpire", displayName: "Una Umpire", role: "ERT_LEAD" },
    { id: uuid(2), username: "lee", displayName: "Lee Lead", role: "ERT_LEAD" },
    { id: uuid(3), username: "manager", displayName: "Mara Manager", role: "MANAGER" },
  ],
};

const T0 = "2026-11-26T09:00:00.000Z";
const at = (m: number) => new Date(Date.parse(T0) + m * 60_000).toISOString();
function reportView(over: Partial<DrillReportView> = {}): DrillReportView {
  const report = buildDrillReport({
    drill: {
      plan: { title: "Q4 worm drill" },
      timeScale: 24,
      startedAt: T0,
      endedAt: at(90),
      pauses: [],
      firedInjects: [],
      debrief: {
        summary: "",
        findings: [{ text: "Slow to start", action: "Rehearse", ownerId: uuid(2), dueAt: null }],
      },
    },
    scenario,
    now: at(90),
    timeline: [
      { type: "DRILL_STARTED", at: T0, summary: "Drill started", payload: { scenarioId: scenario.id, timeScale: 24 } },
      { type: "PRIORITY_SET", at: at(20), summary: "RFC submitted", payload: { priority: "EMERGENCY" } },
    ],
    coverage: [],
    firstSuccessAt: null,
  });
  return {
    drillId: DRILL,
    version: 7,
    state: "ENDED",
    frozen: false,
    signOff: null,
    report,
    people: { [uuid(2)]: "Lee Lead" },
    canSignOff: true,
    signOffBlockedReason: null,
    canEditDebrief: false,
    ...over,
  };
}

describe("Drills → plan a drill", () => {
  it("validates with the domain schema and sends the plan", async () => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_LEAD", { id: uuid(1) }) },
      "GET /api/drills": { body: { items: [] } },
      "GET /api/drills/scenarios": { body: { items: [scenarioView] } },
      "GET /api/drills/staff": { body: staff },
      "POST /api/drills": {
        status: 400,
        body: { code: "VALIDATION_FAILED", message: "Nope", requestId: "r", details: [] },
      },
    });
    const { user } = renderApp("/drills");
    await screen.findByRole("heading", { level: 1, name: "Drills" });
    expect(screen.getByText(/No drills yet/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Plan a drill" }));
    const form = await screen.findByRole("form", { name: "Plan a drill" });
    await user.click(within(form).getByRole("button", { name: "Plan drill" }));
    expect(await within(form).findByText("Choose a scenario")).toBeInTheDocument();
    expect(within(form).getByText("Give the drill a short title")).toBeInTheDocument();
    expect(api.callsTo("POST", "/api/drills")).toHaveLength(0);

    await user.click(within(form).getByRole("combobox", { name: /^Scenario/ }));
    await user.click(await screen.findByRole("option", { name: scenario.name }));
    await user.type(within(form).getByRole("textbox", { name: /^Title/ }), "Q4 worm drill");
    await user.click(within(form).getByRole("combobox", { name: /^Umpire/ }));
    await user.click(await screen.findByRole("option", { name: /Una Umpire/ }));
    await user.click(within(form).getByRole("combobox", { name: /^Participant 1/ }));
    await user.click(await screen.findByRole("option", { name: /Lee Lead/ }));
    await user.click(within(form).getByRole("combobox", { name: /^Drill role of participant 1/ }));
    await user.click(await screen.findByRole("option", { name: "ERT lead" }));
    await user.click(within(form).getByRole("button", { name: "Plan drill" }));
    const sent = api.callsTo("POST", "/api/drills")[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      scenarioId: scenario.id,
      title: "Q4 worm drill",
      umpireId: uuid(1),
      participants: [{ userId: uuid(2), drillRole: "ERT_LEAD" }],
    });
  });
});

describe("Drill report", () => {
  const open = (view: DrillReportView, role: "MANAGER" | "OBSERVER" = "MANAGER") => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor(role, { id: uuid(3) }) },
      [`GET /api/drills/${DRILL}/report`]: { body: view },
      "GET /api/drills/staff": { body: staff },
    });
    const app = renderApp(`/drills/${DRILL}/report`);
    return { api, ...app };
  };

  it("shows each metric against its target, and a metric never reached as “Not reached”, never 0", async () => {
    open(reportView());
    // The first report of the file loads the lazy route and the charts chunk: allow it the time.
    const table = await screen.findByRole("table", { name: "Metrics against targets" }, { timeout: 5000 });
    const priority = within(table).getByRole("row", { name: /Time to initial priority/ });
    expect(priority).toHaveTextContent("20 min");
    expect(priority).toHaveTextContent("Met");
    const advertised = within(table).getByRole("row", { name: /Time to advertised/ });
    expect(within(advertised).getAllByText("Not reached").length).toBeGreaterThan(0);
    expect(advertised).not.toHaveTextContent(/\b0 min\b/);
    expect(advertised).toHaveTextContent("startDeployment");
    expect(screen.getByText(/× 24: each real hour/)).toBeInTheDocument();
    expect(screen.getByRole("table", { name: "Findings and actions" })).toHaveTextContent("Lee Lead");
    expect(screen.getByRole("button", { name: "Print / Export PDF" })).toBeInTheDocument();
  });

  it("lets a manager sign off, then shows the report as frozen", async () => {
    const { api, user } = open(reportView());
    const form = await screen.findByRole("form", { name: "Sign off the report" });
    await user.click(within(form).getByRole("button", { name: "Sign off report" }));
    expect(await within(form).findByText("Write a sign-off comment")).toBeInTheDocument();
    api.set(`POST /api/drills/${DRILL}/actions`, { status: 200, body: {} });
    const frozen = reportView({
      state: "SIGNED_OFF",
      frozen: true,
      canSignOff: false,
      signOff: { userId: uuid(3), name: "Mara Manager", at: at(120), comment: "Agreed" },
    });
    api.set(`GET /api/drills/${DRILL}/report`, { body: frozen });
    await user.type(within(form).getByRole("textbox", { name: /Sign-off comment/ }), "Agreed");
    await user.click(within(form).getByRole("button", { name: "Sign off report" }));
    const call = api.callsTo("POST", `/api/drills/${DRILL}/actions`)[0];
    expect(call?.body).toEqual({ type: "signOff", comment: "Agreed" });
    expect(call?.headers.get("if-match")).toBe('W/"7"');
  });

  it("says why an observer cannot sign off", async () => {
    open(
      reportView({
        canSignOff: false,
        signOffBlockedReason: "Sign off report needs a manager; your role is Observer.",
      }),
      "OBSERVER",
    );
    expect(await screen.findByText(/needs a manager/)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Sign off the report" })).not.toBeInTheDocument();
  });

  it("gives a step under a minute in seconds, says when each inject fired, and a count no stop event", async () => {
    const secs = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
    const report = buildDrillReport({
      drill: {
        plan: { title: "Quick drill" },
        timeScale: 24,
        startedAt: T0,
        endedAt: at(10),
        pauses: [],
        firedInjects: [
          { injectId: "worm-seen", at: secs(2), early: false },
          { injectId: "worm-spreads", at: at(4), early: true },
        ],
        debrief: { summary: "", findings: [] },
      },
      scenario,
      now: at(10),
      timeline: [
        {
          type: "DRILL_STARTED",
          at: T0,
          summary: "Drill started",
          payload: { scenarioId: scenario.id, timeScale: 24 },
        },
        { type: "PRIORITY_SET", at: secs(45), summary: "RFC submitted", payload: { priority: "EMERGENCY" } },
      ],
      coverage: [],
      firstSuccessAt: null,
    });
    open(reportView({ report }));
    const table = await screen.findByRole("table", { name: "Metrics against targets" }, { timeout: 5000 });
    expect(within(table).getByRole("row", { name: /Time to initial priority/ })).toHaveTextContent("45 s");
    const deviations = within(table).getByRole("row", { name: /Process deviations/ });
    // A count has no stop event: its Stop cell is empty, not "Not reached".
    expect(within(deviations).getAllByRole("cell").at(-1)).toHaveTextContent(/^—$/);
    expect(deviations).not.toHaveTextContent("Not reached");
    const injects = screen.getByRole("table", { name: "Injects" });
    expect(within(injects).getByRole("row", { name: /Sasser reaches Miami and Paris/ })).toHaveTextContent(
      "(early, by the umpire)",
    );
    expect(within(injects).getByRole("row", { name: /The press office asks for a statement/ })).toHaveTextContent(
      "Not fired",
    );
    expect(
      screen.getByText(/^Drill time 10 min \(pauses excluded\), 4 h simulated in the sandbox fleet\.$/),
    ).toBeInTheDocument();
  });
});

function drillDetail(over: Partial<DrillDetail> = {}): DrillDetail {
  const record = DrillSchema.parse({
    status: "RUNNING",
    plan: {
      scenarioId: scenario.id,
      title: "Q4 worm drill",
      scheduledStart: T0,
      umpireId: uuid(1),
      participants: [{ userId: uuid(2), drillRole: "ERT_LEAD" }],
    },
    timeScale: 24,
    createdBy: uuid(1),
    createdAt: T0,
    startedAt: T0,
    endedAt: null,
    endReason: null,
    pauses: [],
    firedInjects: [],
    cancellation: null,
    debrief: { summary: "", findings: [] },
    signOff: null,
    report: null,
  });
  return {
    id: DRILL,
    version: 3,
    scenarioId: scenario.id,
    scenarioName: scenario.name,
    scenarioKind: scenario.kind,
    title: "Q4 worm drill",
    state: "RUNNING",
    scheduledStart: T0,
    startedAt: T0,
    endedAt: null,
    signedOffAt: null,
    umpireId: uuid(1),
    umpireName: "Una Umpire",
    timeScale: 24,
    participantCount: 1,
    sandboxFleetId: uuid(50),
    emergencyId: uuid(51),
    createdAt: T0,
    record,
    scenario: scenarioView,
    clock: {
      asOf: at(10),
      drillMs: 10 * 60_000,
      simMs: 240 * 60_000,
      drillMinute: 10,
      paused: false,
      simAt: at(240),
      timeScale: 24,
      durationMinutes: 90,
    },
    injects: [
      {
        injectId: "worm-seen",
        kind: "EXPLOITATION_REPORTED",
        title: "Sasser seen in Boston",
        detail: "The Boston help desk reports machines shutting down.",
        sealed: false,
        atMinute: 0,
        status: "FIRED",
        firedAt: at(0),
        early: false,
        dueAt: at(0),
        simulated: false,
        simulationNote: null,
      },
      {
        injectId: "worm-spreads",
        kind: null,
        title: "Sealed inject",
        detail: "Only the drill's umpire sees an inject before it fires.",
        sealed: true,
        atMinute: 30,
        status: "UPCOMING",
        firedAt: null,
        early: null,
        dueAt: at(30),
        simulated: false,
        simulationNote: null,
      },
    ],
    participants: [],
    availableActions: [],
    warnings: [],
    sandbox: {
      fleetId: uuid(50),
      emergencyId: uuid(51),
      status: "READY",
      prepareError: null,
      simulatedUntil: at(240),
      advertisementsPlayed: [],
      latestCoveragePct: null,
    },
    canJoin: true,
    joined: false,
    isRunner: false,
    ...over,
  };
}

describe("Drill page", () => {
  const open = (d: DrillDetail, role: "ERT_LEAD" | "ERT_MEMBER" = "ERT_LEAD", id = uuid(2)) => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor(role, { id }) },
      [`GET /api/drills/${DRILL}`]: { body: d },
    });
    return { api, ...renderApp(`/drills/${DRILL}`) };
  };

  it("shows a participant only the injects that fired; the others are sealed", async () => {
    open(drillDetail());
    const table = await screen.findByRole("table", { name: "Injects" });
    expect(within(table).getByRole("row", { name: /Sasser seen in Boston/ })).toBeInTheDocument();
    const sealed = within(table).getByRole("row", { name: /Sealed inject/ });
    expect(sealed).toHaveTextContent("Only the drill's umpire sees an inject before it fires.");
    expect(screen.getByText(/each inject is revealed when it fires/)).toBeInTheDocument();
  });

  it("says while the sandbox is being prepared, and why the last attempt failed", async () => {
    open(
      drillDetail({
        sandbox: { ...drillDetail().sandbox!, status: "PREPARING", prepareError: "connection reset" },
      }),
    );
    expect(await screen.findByText("Preparing the sandbox fleet")).toBeInTheDocument();
    expect(screen.getByText(/The last attempt failed \(connection reset\)/)).toBeInTheDocument();
  });

  it("cancels only with a reason, and says why a button is disabled in words", async () => {
    const runner = drillDetail({
      isRunner: true,
      availableActions: [
        { action: "pause", label: "Pause drill", enabled: true },
        { action: "fireInject", label: "Fire inject", enabled: true },
        { action: "end", label: "End drill", enabled: true },
        { action: "cancel", label: "Cancel drill", enabled: true },
      ],
    });
    const { api, user } = open(runner, "ERT_LEAD", uuid(1));
    const cancel = await screen.findByRole("button", { name: "Cancel drill" });
    expect(cancel).toBeDisabled();
    expect(screen.getByText("Cancel drill needs a reason of at least 5 characters in the box above.")).toBeVisible();
    await user.type(screen.getByRole("textbox", { name: "Reason (for pause, end or cancel)" }), "Real outage");
    expect(cancel).toBeEnabled();
    api.set(`POST /api/drills/${DRILL}/actions`, { body: runner });
    await user.click(cancel);
    expect(api.callsTo("POST", `/api/drills/${DRILL}/actions`)[0]?.body).toEqual({
      type: "cancel",
      reason: "Real outage",
    });
  });

  it("lists a participant's disabled actions with their reasons as text", async () => {
    open(
      drillDetail({
        availableActions: [
          {
            action: "pause",
            label: "Pause drill",
            enabled: false,
            reason: "Pause drill is for the drill's umpire: you take part in this drill, so you cannot run it.",
          },
        ],
      }),
    );
    expect(await screen.findByRole("button", { name: "Pause" })).toBeDisabled();
    expect(
      screen.getByText("Pause drill is for the drill's umpire: you take part in this drill, so you cannot run it."),
    ).toBeVisible();
  });
});

describe("Drills list", () => {
  it("offers planning only to those who plan drills", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_MEMBER", { id: uuid(4) }) },
      "GET /api/drills": { body: { items: [] } },
    });
    renderApp("/drills");
    await screen.findByRole("heading", { level: 1, name: "Drills" });
    expect(screen.queryByRole("button", { name: "Plan a drill" })).not.toBeInTheDocument();
    expect(screen.getByText(/Planning a drill needs the ERT lead or Manager role/)).toBeInTheDocument();
  });
});
