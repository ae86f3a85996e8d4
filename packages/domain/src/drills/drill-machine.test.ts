import { describe, expect, it } from "vitest";
import { TimelineEventInputSchema } from "../process/timeline.js";
import {
  BAD_UPDATE_ROLLBACK_SCENARIO,
  EMERGENCY_RELEASE_SCENARIO,
  WORM_OUTBREAK_SCENARIO,
} from "./built-in-scenarios.js";
import {
  availableDrillActions,
  createDrill,
  DRILL_ACTION_RULES,
  DrillPlanSchema,
  DrillSchema,
  dueInjects,
  injectSchedule,
  planWarnings,
  transitionDrill,
  type Drill,
  type DrillActionInput,
  type DrillActor,
  type DrillContext,
  type DrillEffect,
  type DrillPlanInput,
  type DrillTransitionResult,
} from "./drill-machine.js";
import { buildDrillReport } from "./report.js";
import { parseDrillScenario } from "./scenario.js";

const T0 = "2026-03-10T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const scenario = parseDrillScenario(EMERGENCY_RELEASE_SCENARIO);
const other = parseDrillScenario(WORM_OUTBREAK_SCENARIO);
const rollback = parseDrillScenario(BAD_UPDATE_ROLLBACK_SCENARIO);

const UMPIRE: DrillActor = { userId: "ump", role: "ERT_MEMBER", name: "Uma Umpire" };
/** An ERT lead who does not take part: a runner. */
const LEAD: DrillActor = { userId: "lead-outside", role: "ERT_LEAD" };
/** The ERT lead who plays the ERT lead's seat: a participant, not a runner. */
const PLAYING_LEAD: DrillActor = { userId: "lead", role: "ERT_LEAD" };
const OBSERVER: DrillActor = { userId: "obs", role: "OBSERVER" };
const MEMBER: DrillActor = { userId: "member", role: "ERT_MEMBER" };
const MANAGER: DrillActor = { userId: "mgr", role: "MANAGER", name: "Mona Manager" };
const UMPIRE_MANAGER: DrillActor = { userId: "ump", role: "MANAGER" };

const plan = (over: Partial<DrillPlanInput> = {}): DrillPlanInput => ({
  scenarioId: scenario.id,
  title: "Q1 emergency release drill",
  scheduledStart: T0,
  umpireId: "ump",
  participants: [
    { userId: "lead", drillRole: "ERT_LEAD" },
    { userId: "sms", drillRole: "SMS_ADMIN" },
    { userId: "sec", drillRole: "SECURITY" },
    { userId: "member", drillRole: "ERT_MEMBER" },
  ],
  ...over,
});

function planned(): Drill {
  const r = createDrill(plan(), { now: at(-60), actor: LEAD, scenario });
  if (!r.ok) throw new Error(r.reason);
  return r.drill;
}

function apply(d: Drill, action: DrillActionInput, ctx: Partial<DrillContext> & { now: string }): Drill {
  const r = transitionDrill(d, action, { actor: UMPIRE, scenario, ...ctx });
  if (!r.ok) throw new Error(r.reason);
  return r.next;
}

const running = () => apply(planned(), { type: "start" }, { now: T0 });
const ended = () => apply(running(), { type: "end" }, { now: at(90) });
const report = (d: Drill) => buildDrillReport({ drill: d, scenario, timeline: [], coverage: [], now: at(95) });
const signedOff = () => {
  const d = ended();
  return apply(
    d,
    { type: "signOff", comment: "Good drill; fix the slow-link tasks." },
    {
      now: at(120),
      actor: MANAGER,
      report: report(d),
    },
  );
};
const refusal = (r: DrillTransitionResult | ReturnType<typeof createDrill>) =>
  r.ok ? null : { code: r.code, reason: r.reason };
const effectTypes = (r: DrillTransitionResult) => (r.ok ? r.effects.map((e) => e.type) : []);
const timelineOf = (effects: DrillEffect[]) => effects.flatMap((e) => (e.type === "TIMELINE" ? [e.event] : []));

describe("drill plan", () => {
  const msgs = (x: unknown) => (DrillPlanSchema.safeParse(x).error?.issues ?? []).map((i) => i.message);

  it("accepts a plan with an umpire and participants in drill roles", () => {
    expect(msgs(plan())).toEqual([]);
  });

  it("needs at least one participant", () => {
    expect(msgs(plan({ participants: [] }))).toEqual(["Add at least one participant"]);
  });

  it("the umpire cannot also be a participant", () => {
    expect(msgs(plan({ participants: [{ userId: "ump", drillRole: "ERT_LEAD" }] }))).toEqual([
      "The umpire runs the drill and cannot also be a participant",
    ]);
  });

  it("each person appears once", () => {
    const p = plan({
      participants: [
        { userId: "a", drillRole: "ERT_LEAD" },
        { userId: "a", drillRole: "SECURITY" },
      ],
    });
    expect(DrillPlanSchema.safeParse(p).error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["participants.1.userId", "This person is already a participant; give each person one drill role"],
    ]);
  });

  it("needs a scenario, a title, an umpire, a start and known drill roles", () => {
    expect(
      msgs({
        ...plan(),
        scenarioId: "",
        title: "x",
        umpireId: "",
        scheduledStart: "tomorrow",
        participants: [{ userId: "a", drillRole: "CHEF" }],
      }),
    ).toEqual([
      "Choose a scenario",
      "Give the drill a short title",
      "must be an ISO-8601 date-time",
      "Choose the umpire",
      "Choose the participant's drill role",
    ]);
  });

  it("warns when the ERT quorum cannot assemble or the start is past", () => {
    const p = DrillPlanSchema.parse(plan({ participants: [{ userId: "lead", drillRole: "ERT_LEAD" }] }));
    expect(planWarnings(p, at(10))).toEqual([
      "Nobody plays SMS administrator, Security: the ERT quorum (ERT lead, SMS administrator, security) cannot assemble, so the time to assemble will show as not reached.",
      "The scheduled start is in the past.",
    ]);
    expect(planWarnings(DrillPlanSchema.parse(plan()), at(-10))).toEqual([]);
  });
});

describe("createDrill", () => {
  it("an ERT lead or a manager plans a drill; it starts PLANNED with the scenario's time scale", () => {
    const d = planned();
    expect(d).toMatchObject({
      status: "PLANNED",
      timeScale: 24,
      createdBy: "lead-outside",
      startedAt: null,
      report: null,
    });
    expect(DrillSchema.safeParse(d).success).toBe(true);
    expect(createDrill(plan(), { now: at(-60), actor: MANAGER, scenario }).ok).toBe(true);
  });

  it("takes the plan's time scale when it has one", () => {
    const r = createDrill(plan({ timeScale: 12 }), { now: at(-60), actor: LEAD, scenario });
    expect(r.ok && r.drill.timeScale).toBe(12);
  });

  it("refuses others, an unknown scenario and an invalid plan", () => {
    expect(refusal(createDrill(plan(), { now: at(-60), actor: MEMBER, scenario }))).toEqual({
      code: "FORBIDDEN",
      reason: "Only an ERT lead or a manager can plan a drill; your role is ERT member / patch team.",
    });
    // Naming yourself umpire does not let you plan: planning is for leads and managers.
    expect(refusal(createDrill(plan(), { now: at(-60), actor: UMPIRE, scenario }))?.code).toBe("FORBIDDEN");
    expect(refusal(createDrill(plan(), { now: at(-60), actor: OBSERVER, scenario }))?.code).toBe("FORBIDDEN");
    expect(refusal(createDrill(plan(), { now: at(-60), actor: PLAYING_LEAD, scenario }))).toEqual({
      code: "FORBIDDEN",
      reason:
        "You take part in this drill, so you cannot plan it (you would know its script): ask the umpire or another ERT lead or manager.",
    });
    expect(refusal(createDrill(plan(), { now: at(-60), actor: LEAD, scenario: other }))).toEqual({
      code: "VALIDATION_FAILED",
      reason: 'Scenario "emergency-release-ms04-011" was not found; choose one from the list.',
    });
    expect(refusal(createDrill(plan({ participants: [] }), { now: at(-60), actor: LEAD, scenario }))).toEqual({
      code: "VALIDATION_FAILED",
      reason: "Add at least one participant",
    });
  });
});

describe("transitionDrill — the happy path", () => {
  it("start: PLANNED → RUNNING, creates the sandbox and the drill-flagged emergency", () => {
    const r = transitionDrill(planned(), { type: "start" }, { now: T0, actor: UMPIRE, scenario });
    expect(r.ok && r.next).toMatchObject({ status: "RUNNING", startedAt: T0 });
    expect(effectTypes(r)).toEqual([
      "CREATE_SANDBOX",
      "DECLARE_DRILL_EMERGENCY",
      "START_SIMULATION",
      "TIMELINE",
      "NOTIFY_PARTICIPANTS",
    ]);
    const effects = r.ok ? r.effects : [];
    expect(effects[0]).toEqual({
      type: "CREATE_SANDBOX",
      scenarioId: scenario.id,
      preset: "demo",
      seed: 4011,
      computers: null,
      activeRelease: false,
      releaseCase: "DETECTED",
    });
    expect(effects[1]).toEqual({
      type: "DECLARE_DRILL_EMERGENCY",
      emergencyType: "EMERGENCY_RELEASE",
      title: "Drill: Q1 emergency release drill",
    });
    expect(effects[2]).toEqual({ type: "START_SIMULATION", timeScale: 24 });
    const [event] = timelineOf(effects);
    expect(event).toMatchObject({ type: "DRILL_STARTED", at: T0, actorId: "ump", payload: { timeScale: 24 } });
    expect(TimelineEventInputSchema.safeParse(event).success).toBe(true);
  });

  it("start warns when it is well before the scheduled time", () => {
    const r = transitionDrill(planned(), { type: "start" }, { now: at(-30), actor: LEAD, scenario });
    expect(r.ok && r.warnings).toEqual(["Started 30 min before the scheduled start."]);
  });

  it("pause and resume: the clock stops, the simulation with it", () => {
    const p = transitionDrill(running(), { type: "pause", reason: "Fire alarm" }, { now: at(10), actor: UMPIRE });
    expect(p.ok && p.next).toMatchObject({ status: "PAUSED", pauses: [{ from: at(10), to: null }] });
    expect(effectTypes(p)).toEqual(["PAUSE_SIMULATION", "TIMELINE"]);
    expect(p.ok && timelineOf(p.effects)[0]).toMatchObject({ summary: "Drill paused: Fire alarm" });
    const paused = p.ok ? p.next : running();
    const r = transitionDrill(paused, { type: "resume" }, { now: at(25), actor: LEAD });
    expect(r.ok && r.next).toMatchObject({ status: "RUNNING", pauses: [{ from: at(10), to: at(25) }] });
    expect(effectTypes(r)).toEqual(["RESUME_SIMULATION", "TIMELINE"]);
    expect(r.ok && timelineOf(r.effects)[0]).toMatchObject({
      type: "DRILL_RESUMED",
      payload: { pausedMs: 15 * 60_000 },
      summary: "Drill resumed after 15 min",
    });
  });

  it("fireInject early by the umpire: recorded once, applied to the sandbox, told to the team", () => {
    const r = transitionDrill(
      running(),
      { type: "fireInject", injectId: "exploit-code" },
      {
        now: at(4),
        actor: UMPIRE,
        scenario,
      },
    );
    expect(r.ok && r.next.firedInjects).toEqual([
      {
        injectId: "exploit-code",
        kind: "EXPLOITATION_REPORTED",
        at: at(4),
        drillMinute: 4,
        early: true,
        firedBy: "ump",
      },
    ]);
    expect(effectTypes(r)).toEqual(["APPLY_INJECT", "TIMELINE", "NOTIFY_PARTICIPANTS"]);
    const effects = r.ok ? r.effects : [];
    expect(timelineOf(effects)[0]).toMatchObject({
      type: "DRILL_INJECT_FIRED",
      summary: "Inject (fired early): Exploit code published",
      payload: { injectId: "exploit-code", kind: "EXPLOITATION_REPORTED", atMinute: 10, firedAtMinute: 4, early: true },
    });
    expect(effects[2]).toMatchObject({ userIds: ["lead", "sms", "sec", "member"] });
    expect(TimelineEventInputSchema.safeParse(timelineOf(effects)[0]).success).toBe(true);
  });

  it("fireInject on schedule: no role check, the system is the actor, drill minutes exclude pauses", () => {
    let d = apply(running(), { type: "pause" }, { now: at(2) });
    d = apply(d, { type: "resume" }, { now: at(12) });
    const early = transitionDrill(
      d,
      { type: "fireInject", injectId: "exploit-code", source: "SCHEDULE" },
      {
        now: at(15),
        actor: MEMBER,
        scenario,
      },
    );
    expect(refusal(early)).toEqual({
      code: "ILLEGAL_TRANSITION",
      reason: 'Inject "Exploit code published" is not due until drill minute 10; it is minute 5.',
    });
    const r = transitionDrill(
      d,
      { type: "fireInject", injectId: "exploit-code", source: "SCHEDULE" },
      {
        now: at(20),
        actor: MEMBER,
        scenario,
      },
    );
    expect(r.ok && r.next.firedInjects[0]).toMatchObject({ drillMinute: 10, early: false, firedBy: null });
    expect(r.ok && timelineOf(r.effects)[0]?.actorId).toBeNull();
  });

  it("end: RUNNING or PAUSED → ENDED, closing an open pause and stopping the simulation", () => {
    const paused = apply(running(), { type: "pause" }, { now: at(50) });
    const r = transitionDrill(paused, { type: "end", reason: "Out of time" }, { now: at(60), actor: UMPIRE, scenario });
    expect(r.ok && r.next).toMatchObject({
      status: "ENDED",
      endedAt: at(60),
      endReason: "Out of time",
      pauses: [{ from: at(50), to: at(60) }],
    });
    expect(effectTypes(r)).toEqual(["STOP_SIMULATION", "TIMELINE"]);
    expect(r.ok && r.warnings).toEqual([
      "4 injects were never fired: MS04-011 published, Exploit code published, A manager asks to exclude the sales laptops, The CIO asks for a coverage figure.",
    ]);
  });

  it("recordDebrief in ENDED: findings with owners", () => {
    const r = transitionDrill(
      ended(),
      {
        type: "recordDebrief",
        summary: "Coverage was late because of slow links.",
        findings: [{ text: "Slow-link tasks started late", action: "Pre-assign courier owners", ownerId: "sms" }],
      },
      { now: at(100), actor: UMPIRE },
    );
    expect(r.ok && r.next.debrief).toEqual({
      summary: "Coverage was late because of slow links.",
      findings: [
        { text: "Slow-link tasks started late", action: "Pre-assign courier owners", ownerId: "sms", dueAt: null },
      ],
    });
    expect(r.ok && r.next.status).toBe("ENDED");
    expect(
      refusal(
        transitionDrill(
          ended(),
          { type: "recordDebrief", findings: [{ text: "Late", action: "Fix it", ownerId: "" }] },
          { now: at(100), actor: UMPIRE },
        ),
      ),
    ).toEqual({
      code: "VALIDATION_FAILED",
      reason: "Choose who owns the action",
    });
  });

  it("signOff by a manager: ENDED → SIGNED_OFF with name, time and comment; the report is stored", () => {
    const d = ended();
    const rep = report(d);
    const r = transitionDrill(
      d,
      { type: "signOff", comment: "  Accepted.  " },
      { now: at(120), actor: MANAGER, report: rep },
    );
    expect(r.ok && r.next).toMatchObject({
      status: "SIGNED_OFF",
      signOff: { userId: "mgr", name: "Mona Manager", at: at(120), comment: "Accepted." },
      report: rep,
    });
    expect(r.ok && timelineOf(r.effects)[0]).toMatchObject({
      type: "DRILL_SIGNED_OFF",
      summary: "Drill report signed off by Mona Manager",
    });
    expect(r.ok && DrillSchema.safeParse(r.next).success).toBe(true);
  });

  it("cancel from PLANNED, RUNNING or PAUSED, with a reason", () => {
    const fromPlanned = transitionDrill(
      planned(),
      { type: "cancel", reason: "Team on a real emergency" },
      { now: at(-5), actor: LEAD },
    );
    expect(fromPlanned.ok && fromPlanned.next).toMatchObject({
      status: "CANCELLED",
      cancellation: { reason: "Team on a real emergency", by: "lead-outside", at: at(-5) },
      endedAt: null,
    });
    expect(effectTypes(fromPlanned)).toEqual(["TIMELINE"]);
    const fromRunning = transitionDrill(
      running(),
      { type: "cancel", reason: "Real outage started" },
      { now: at(20), actor: UMPIRE },
    );
    expect(fromRunning.ok && fromRunning.next).toMatchObject({ status: "CANCELLED", endedAt: at(20) });
    expect(effectTypes(fromRunning)).toEqual(["STOP_SIMULATION", "TIMELINE"]);
    const paused = apply(running(), { type: "pause" }, { now: at(10) });
    const fromPaused = transitionDrill(
      paused,
      { type: "cancel", reason: "Real outage started" },
      { now: at(20), actor: UMPIRE },
    );
    expect(fromPaused.ok && fromPaused.next.pauses).toEqual([{ from: at(10), to: at(20) }]);
  });

  it("updatePlan in PLANNED replaces the plan; a new scenario brings its time scale", () => {
    const r = transitionDrill(
      planned(),
      { type: "updatePlan", plan: plan({ scenarioId: rollback.id, title: "Rollback drill" }) },
      {
        now: at(-30),
        actor: UMPIRE,
        scenario: rollback,
      },
    );
    expect(r.ok && r.next).toMatchObject({
      status: "PLANNED",
      plan: { scenarioId: rollback.id, title: "Rollback drill" },
      timeScale: 12,
    });
    expect(
      refusal(
        transitionDrill(
          planned(),
          { type: "updatePlan", plan: plan({ scenarioId: "nope" }) },
          { now: at(-30), actor: UMPIRE },
        ),
      ),
    ).toEqual({ code: "VALIDATION_FAILED", reason: 'Scenario "nope" was not found; choose one from the list.' });
  });
});

describe("transitionDrill — refusals", () => {
  it("every action outside its states is an illegal transition naming the states it needs", () => {
    const states: Record<string, () => Drill> = { PLANNED: planned, RUNNING: running, ENDED: ended };
    const paused = () => apply(running(), { type: "pause" }, { now: at(5) });
    states.PAUSED = paused;
    const bodies: Record<string, DrillActionInput> = {
      updatePlan: { type: "updatePlan", plan: plan() },
      start: { type: "start" },
      pause: { type: "pause" },
      resume: { type: "resume" },
      fireInject: { type: "fireInject", injectId: "bulletin" },
      end: { type: "end" },
      recordDebrief: { type: "recordDebrief", findings: [] },
      signOff: { type: "signOff", comment: "Fine by me" },
      cancel: { type: "cancel", reason: "Not needed" },
    };
    for (const [state, make] of Object.entries(states)) {
      for (const [action, rule] of Object.entries(DRILL_ACTION_RULES)) {
        if ((rule.from as readonly string[]).includes(state)) continue;
        const actor = rule.who === "MANAGER" ? MANAGER : UMPIRE;
        const r = transitionDrill(make(), bodies[action] as DrillActionInput, { now: at(100), actor, scenario });
        expect(refusal(r)?.code, `${action} in ${state}`).toBe("ILLEGAL_TRANSITION");
      }
    }
    expect(refusal(transitionDrill(ended(), { type: "start" }, { now: at(100), actor: UMPIRE, scenario }))).toEqual({
      code: "ILLEGAL_TRANSITION",
      reason: "Start drill is not possible while the drill is Ended (debrief); it needs: Planned.",
    });
  });

  it("firing an inject while paused says to resume first", () => {
    const paused = apply(running(), { type: "pause" }, { now: at(5) });
    expect(
      refusal(
        transitionDrill(paused, { type: "fireInject", injectId: "bulletin" }, { now: at(6), actor: UMPIRE, scenario }),
      ),
    ).toEqual({
      code: "ILLEGAL_TRANSITION",
      reason: "Resume the drill before firing an inject.",
    });
  });

  it("only the umpire, or an ERT lead or manager who does not take part, runs the drill", () => {
    expect(refusal(transitionDrill(running(), { type: "pause" }, { now: at(5), actor: OBSERVER }))).toEqual({
      code: "FORBIDDEN",
      reason:
        "Pause drill needs the drill's umpire, or an ERT lead or manager who does not take part; your role is Observer / auditor and you are not the umpire.",
    });
    // A participant is being tested: even an ERT lead playing the lead's seat cannot steer the drill.
    expect(refusal(transitionDrill(running(), { type: "end" }, { now: at(5), actor: PLAYING_LEAD }))).toEqual({
      code: "FORBIDDEN",
      reason: "End drill is for the drill's umpire: you take part in this drill, so you cannot run it.",
    });
    expect(
      refusal(
        transitionDrill(
          running(),
          { type: "fireInject", injectId: "bulletin" },
          { now: at(5), actor: PLAYING_LEAD, scenario },
        ),
      )?.code,
    ).toBe("FORBIDDEN");
    expect(refusal(transitionDrill(running(), { type: "end" }, { now: at(5), actor: MEMBER }))?.code).toBe("FORBIDDEN");
    expect(transitionDrill(running(), { type: "end" }, { now: at(5), actor: MANAGER }).ok).toBe(true);
    expect(transitionDrill(running(), { type: "end" }, { now: at(5), actor: LEAD }).ok).toBe(true);
  });

  it("only a manager signs off, never the umpire, and only with a report", () => {
    const d = ended();
    expect(
      refusal(
        transitionDrill(d, { type: "signOff", comment: "Fine" }, { now: at(120), actor: LEAD, report: report(d) }),
      ),
    ).toEqual({
      code: "FORBIDDEN",
      reason: "Sign off report needs a manager; your role is ERT lead.",
    });
    expect(
      refusal(
        transitionDrill(
          d,
          { type: "signOff", comment: "Fine" },
          { now: at(120), actor: UMPIRE_MANAGER, report: report(d) },
        ),
      ),
    ).toEqual({
      code: "FORBIDDEN",
      reason: "The umpire cannot sign off their own drill; ask another manager.",
    });
    expect(refusal(transitionDrill(d, { type: "signOff", comment: "Fine" }, { now: at(120), actor: MANAGER }))).toEqual(
      {
        code: "ILLEGAL_TRANSITION",
        reason: "Build the drill report before signing it off.",
      },
    );
    expect(
      refusal(
        transitionDrill(d, { type: "signOff", comment: " " }, { now: at(120), actor: MANAGER, report: report(d) }),
      ),
    ).toEqual({
      code: "VALIDATION_FAILED",
      reason: "Write a sign-off comment",
    });
  });

  it("an inject fires once, and must exist", () => {
    const d = apply(running(), { type: "fireInject", injectId: "bulletin" }, { now: at(1) });
    expect(
      refusal(
        transitionDrill(d, { type: "fireInject", injectId: "bulletin" }, { now: at(2), actor: UMPIRE, scenario }),
      ),
    ).toEqual({
      code: "ILLEGAL_TRANSITION",
      reason: 'Inject "MS04-011 published" was already fired at drill minute 1; each inject fires once.',
    });
    expect(
      refusal(transitionDrill(d, { type: "fireInject", injectId: "ghost" }, { now: at(2), actor: UMPIRE, scenario })),
    ).toEqual({
      code: "VALIDATION_FAILED",
      reason: 'The scenario has no inject "ghost".',
    });
  });

  it("start needs the drill's scenario", () => {
    expect(refusal(transitionDrill(planned(), { type: "start" }, { now: T0, actor: UMPIRE, scenario: other }))).toEqual(
      {
        code: "VALIDATION_FAILED",
        reason: 'Scenario "emergency-release-ms04-011" was not found; choose another scenario in the plan.',
      },
    );
  });

  it("a cancellation needs a reason; an unknown action is invalid", () => {
    expect(
      refusal(transitionDrill(running(), { type: "cancel", reason: "no" }, { now: at(5), actor: UMPIRE })),
    ).toEqual({
      code: "VALIDATION_FAILED",
      reason: "Say why the drill is cancelled",
    });
    expect(
      refusal(
        transitionDrill(running(), { type: "explode" } as unknown as DrillActionInput, { now: at(5), actor: UMPIRE }),
      )?.code,
    ).toBe("VALIDATION_FAILED");
  });
});

describe("sign-off freezes the drill", () => {
  it("refuses every later action, whoever asks, naming who signed and when", () => {
    const d = signedOff();
    const reason = `The drill report was signed off by Mona Manager on ${at(120)} and is frozen; nothing in the drill can change.`;
    const actions: DrillActionInput[] = [
      { type: "recordDebrief", findings: [] },
      { type: "signOff", comment: "Again" },
      { type: "end" },
      { type: "cancel", reason: "Changed my mind" },
      { type: "updatePlan", plan: plan() },
    ];
    for (const action of actions) {
      for (const actor of [UMPIRE, LEAD, MANAGER]) {
        expect(refusal(transitionDrill(d, action, { now: at(200), actor, scenario, report: report(ended()) }))).toEqual(
          {
            code: "ILLEGAL_TRANSITION",
            reason,
          },
        );
      }
    }
    expect(availableDrillActions(d, MANAGER)).toEqual([]);
  });

  it("a cancelled drill is frozen too", () => {
    const d = apply(planned(), { type: "cancel", reason: "Real emergency" }, { now: at(-5) });
    expect(refusal(transitionDrill(d, { type: "start" }, { now: T0, actor: UMPIRE, scenario }))).toEqual({
      code: "ILLEGAL_TRANSITION",
      reason: "The drill was cancelled; nothing in it can change.",
    });
  });
});

describe("availableDrillActions", () => {
  it("lists the state's actions, disabled with the reason for the wrong person", () => {
    expect(availableDrillActions(running(), UMPIRE).map((a) => [a.action, a.enabled])).toEqual([
      ["pause", true],
      ["fireInject", true],
      ["end", true],
      ["cancel", true],
    ]);
    const forManager = availableDrillActions(ended(), MANAGER);
    expect(forManager.find((a) => a.action === "signOff")?.enabled).toBe(true);
    // A manager who does not take part may also run the debrief; a participant may not.
    expect(forManager.find((a) => a.action === "recordDebrief")).toMatchObject({ enabled: true });
    expect(availableDrillActions(ended(), PLAYING_LEAD).find((a) => a.action === "recordDebrief")).toMatchObject({
      enabled: false,
      reason: "Record debrief is for the drill's umpire: you take part in this drill, so you cannot run it.",
    });
    expect(availableDrillActions(ended(), UMPIRE_MANAGER).find((a) => a.action === "signOff")).toMatchObject({
      enabled: false,
      reason: "The umpire cannot sign off their own drill; ask another manager.",
    });
  });
});

describe("inject schedule", () => {
  it("lists each inject as fired, due or upcoming, with its wall-clock due time after pauses", () => {
    let d = apply(running(), { type: "fireInject", injectId: "bulletin" }, { now: at(0) });
    d = apply(d, { type: "pause" }, { now: at(5) });
    d = apply(d, { type: "resume" }, { now: at(15) });
    const s = injectSchedule(d, scenario, at(25));
    expect(s.map((x) => [x.inject.id, x.status, x.dueAt])).toEqual([
      ["bulletin", "FIRED", at(0)],
      ["exploit-code", "DUE", at(20)],
      ["exclude-request", "UPCOMING", at(50)],
      ["status-request", "UPCOMING", at(70)],
    ]);
    expect(dueInjects(d, scenario, at(25)).map((i) => i.id)).toEqual(["exploit-code"]);
  });

  it("nothing is due unless the drill is running", () => {
    expect(dueInjects(planned(), scenario, at(100))).toEqual([]);
    const paused = apply(running(), { type: "pause" }, { now: at(30) });
    expect(dueInjects(paused, scenario, at(40))).toEqual([]);
    expect(injectSchedule(paused, scenario, at(40)).find((x) => x.inject.id === "exclude-request")?.dueAt).toBeNull();
    expect(injectSchedule(planned(), scenario, at(0)).every((x) => x.status === "UPCOMING" && x.dueAt === null)).toBe(
      true,
    );
  });
});
