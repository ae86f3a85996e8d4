import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import {
  SESSION_COOKIE,
  type AdvertisementMonitor,
  type CoveragePoint,
  type FleetImport,
  type UpdateMonitor,
} from "@firebreak/domain";
import { buildApp } from "../../app.js";
import { buildTestApp, openTestDatabase, userWithRole, type TestApp } from "../../../test/helpers.js";
import { buildDistribution, packageBody, smallFleet } from "../../../test/fleet-fixture.js";
import { coverageCurve, type MonitoringService } from "./monitoring.service.js";
import {
  MonitorStreams,
  MAX_STREAMS_PER_SESSION,
  monitorStreamsOf,
  notifyStatusStored,
  statusNotifier,
  type StreamTiming,
} from "./monitoring.stream.js";

// The small fleet targets 1001, 1002 (CEN, LAN) and 1003 (BRN, dial-up) through CEN00010. A
// sub-collection adds WAN, VPN and never-seen machines, and repeats 1001 (one target, not two).
const computer = (resourceId: number, name: string, siteCode: string, profile: string, lastSeenAt: string | null) => ({
  ...smallFleet.computers![0]!,
  resourceId,
  name,
  siteCode,
  connectionProfile: profile as "LAN",
  boundaryId: null,
  lastSeenAt,
});
const moreFleet: FleetImport = {
  computers: [
    computer(1005, "BRN-WS005", "BRN", "WAN", "2026-11-20T07:00:00.000Z"),
    computer(1006, "BRN-WS006", "BRN", "WAN", "2026-11-20T07:00:00.000Z"),
    computer(1007, "CEN-VPN007", "CEN", "VPN", "2026-11-19T10:00:00.000Z"),
    computer(1008, "BRN-WS008", "BRN", "LAN", "2026-11-18T10:00:00.000Z"),
    computer(1009, "BRN-WS009", "BRN", "LAN", null),
  ],
  collections: [
    {
      collectionId: "CEN00011",
      name: "Branch workstations",
      parentCollectionId: "CEN00010",
      rules: [],
      purpose: "TARGET",
      memberResourceIds: [1001, 1005, 1006, 1007, 1008, 1009],
    },
    {
      collectionId: "CEN00012",
      name: "Site servers",
      parentCollectionId: null,
      rules: [],
      purpose: "TARGET",
      memberResourceIds: [1004],
    },
  ],
};

async function setUp(t: TestApp) {
  const smsAdmin = await userWithRole(t, "SMS_ADMIN");
  await buildDistribution(smsAdmin);
  const more = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: moreFleet });
  expect(more.statusCode, more.body).toBe(200);
  const tokenRes = await smsAdmin.inject({
    method: "POST",
    url: "/api/fleets/production/ingest-tokens",
    payload: { name: "forwarder", siteCodes: ["CEN", "BRN"] },
  });
  expect(tokenRes.statusCode, tokenRes.body).toBe(201);
  return { smsAdmin, token: tokenRes.json<{ token: string }>().token };
}

const t = await buildTestApp();
const { smsAdmin, token } = await setUp(t);
const observer = await userWithRole(t, "OBSERVER");

const site = (r: number) => (r === 1001 || r === 1002 || r === 1004 || r === 1007 ? "CEN" : "BRN");
const names: Record<number, string> = { 1001: "CEN-WS001", 1002: "CEN-WS002", 1003: "BRN-LT001", 1004: "CEN-SMS01" };
const msg = (resourceId: number, messageId: number, time: string, exitCode?: number) => ({
  messageId,
  machineName: names[resourceId] ?? `M${resourceId}`,
  resourceId,
  siteCode: site(resourceId),
  advertisementId: "CEN2000A",
  time,
  ...(exitCode === undefined ? {} : { exitCode }),
});
let n = 0;
const ingest = async (kind: "status-messages" | "compliance", rows: object[], bearer = token) => {
  const res = await t.app.inject({
    method: "POST",
    url: `/api/ingest/${kind}`,
    headers: { authorization: `Bearer ${bearer}` },
    payload: { batchId: `monitor-${n++}-batch`, [kind === "compliance" ? "rows" : "messages"]: rows },
  });
  expect(res.statusCode, res.body).toBe(200);
};
const adMonitor = async () => {
  const res = await observer.inject({ method: "GET", url: "/api/fleets/production/advertisements/CEN2000A/monitor" });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AdvertisementMonitor>();
};

const day1 = (hhmm: string) => `2026-11-20T${hhmm}:00.000Z`;

await ingest("status-messages", [
  msg(1001, 10002, day1("09:00")),
  msg(1001, 10005, day1("09:05")),
  msg(1001, 10008, day1("09:10"), 0),
  msg(1002, 10002, day1("09:01")),
  msg(1002, 10006, day1("09:20"), 1603),
  msg(1003, 10008, day1("10:40"), 3010),
  msg(1005, 10006, day1("09:30"), 1618),
  msg(1006, 10006, day1("09:31"), 1603),
  msg(1007, 10002, day1("09:02")),
  // 1004 is not targeted: its status must not count anywhere.
  msg(1004, 10008, day1("09:12"), 0),
]);
// The same success re-sent under a new batch id, and a later repeated success: still one each.
await ingest("status-messages", [msg(1001, 10008, day1("09:10"), 0), msg(1003, 10009, day1("12:00"))]);

describe("advertisement monitor", () => {
  it("counts the targeted computers by client state, once each across sub-collections", async () => {
    const m = await adMonitor();
    expect(m).toMatchObject({
      advertisementId: "CEN2000A",
      targeted: 8,
      byState: { SUCCEEDED: 2, FAILED: 3, ACCEPTED: 1 },
      succeeded: 2,
      failed: 3,
      noStatus: 2,
      compliancePct: 25,
    });
    expect(Date.parse(m.generatedAt)).not.toBeNaN();
  });

  it("splits the counts by site and by link class", async () => {
    const m = await adMonitor();
    expect(m.bySite).toEqual([
      { siteCode: "BRN", targeted: 5, succeeded: 1, failed: 2, noStatus: 2, compliancePct: 20 },
      { siteCode: "CEN", targeted: 3, succeeded: 1, failed: 1, noStatus: 0, compliancePct: 33.33 },
    ]);
    expect(m.byLinkClass).toEqual([
      { connectionProfile: "LAN", targeted: 4, succeeded: 1, failed: 1, noStatus: 2, compliancePct: 25 },
      { connectionProfile: "WAN", targeted: 2, succeeded: 0, failed: 2, noStatus: 0, compliancePct: 0 },
      { connectionProfile: "VPN", targeted: 1, succeeded: 0, failed: 0, noStatus: 0, compliancePct: 0 },
      { connectionProfile: "DIALUP", targeted: 1, succeeded: 1, failed: 0, noStatus: 0, compliancePct: 100 },
    ]);
  });

  it("groups the failures by exit code, most frequent first, with what the code means", async () => {
    const m = await adMonitor();
    expect(m.failures).toEqual([
      { exitCode: 1603, count: 2, meaning: "Fatal error during installation" },
      { exitCode: 1618, count: 1, meaning: "Another installation is in progress; retry later" },
    ]);
  });

  it("lists the machines that never reported, never-seen first", async () => {
    const m = await adMonitor();
    expect(m.neverReported).toEqual({
      count: 2,
      sample: [
        { resourceId: 1009, name: "BRN-WS009", siteCode: "BRN", connectionProfile: "LAN", lastSeenAt: null },
        {
          resourceId: 1008,
          name: "BRN-WS008",
          siteCode: "BRN",
          connectionProfile: "LAN",
          lastSeenAt: "2026-11-18T10:00:00.000Z",
        },
      ],
    });
  });

  it("draws the coverage curve from each computer's first success, counted once", async () => {
    const m = await adMonitor();
    expect(m.coverageBucketMinutes).toBe(15);
    const point = (hhmm: string, succeeded: number, pct: number): CoveragePoint => ({ at: day1(hhmm), succeeded, pct });
    // First successes: 1001 at 09:10 (re-sent once), 1003 at 10:40 (then again at 12:00). 1004 is not targeted.
    expect(m.coverage).toEqual([
      point("09:00", 0, 0),
      point("09:15", 1, 12.5),
      point("09:30", 1, 12.5),
      point("09:45", 1, 12.5),
      point("10:00", 1, 12.5),
      point("10:15", 1, 12.5),
      point("10:30", 1, 12.5),
      point("10:45", 2, 25),
    ]);
  });

  it("answers 404 for an unknown advertisement or fleet, 400 for a malformed id", async () => {
    const unknown = await observer.inject({
      method: "GET",
      url: "/api/fleets/production/advertisements/CEN2FFFF/monitor",
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe("No advertisement CEN2FFFF.");
    const fleet = await observer.inject({
      method: "GET",
      url: "/api/fleets/00000000-0000-4000-8000-0000000000ff/advertisements/CEN2000A/monitor",
    });
    expect(fleet.statusCode).toBe(404);
    const stream = await observer.inject({
      method: "GET",
      url: "/api/fleets/production/advertisements/CEN2FFFF/monitor/stream",
    });
    expect(stream.statusCode).toBe(404);
    expect(stream.headers["content-type"]).toMatch(/application\/json/);
    const bad = await observer.inject({
      method: "GET",
      url: "/api/fleets/production/advertisements/THIS-ID-IS-FAR-TOO-LONG/monitor",
    });
    expect(bad.statusCode).toBe(400);
  });

  it("needs a signed-in role that may read the fleet (401, 403)", async () => {
    for (const url of [
      "/api/fleets/production/advertisements/CEN2000A/monitor",
      "/api/fleets/production/advertisements/CEN2000A/monitor/stream",
      "/api/fleets/production/updates/KB823980/monitor",
    ]) {
      expect((await t.app.inject({ method: "GET", url })).statusCode, url).toBe(401);
      const admin = await userWithRole(t, "ADMIN");
      expect((await admin.inject({ method: "GET", url })).statusCode, url).toBe(403);
    }
  });
});

describe("update monitor", () => {
  const day = (d: number, hhmm: string) => `2026-11-${d}T${hhmm}:00.000Z`;
  const row = (resourceId: number, state: string, time: string, updateId = "KB823980") => ({
    resourceId,
    updateId,
    state,
    time,
    siteCode: site(resourceId),
  });

  it("rolls the compliance rows up by state, site and link class with an installed-% curve", async () => {
    await ingest("compliance", [
      row(1001, "INSTALLED", day(20, "09:10")),
      row(1002, "FAILED", day(20, "09:20")),
      row(1003, "INSTALLED_PENDING_REBOOT", day(20, "11:05")),
      row(1004, "NOT_APPLICABLE", day(20, "09:00")),
      row(1005, "REQUIRED", day(20, "09:00")),
      row(1006, "INSTALLED", day(23, "09:00")),
      row(1007, "INSTALLED", day(20, "09:00"), "KB000001"),
    ]);
    const res = await observer.inject({ method: "GET", url: "/api/fleets/production/updates/KB823980/monitor" });
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json<UpdateMonitor>();
    expect(m).toMatchObject({
      updateId: "KB823980",
      total: 6,
      applicable: 5,
      installed: 3,
      required: 1,
      failed: 1,
      installedPct: 60,
      byState: { INSTALLED: 2, INSTALLED_PENDING_REBOOT: 1, FAILED: 1, NOT_APPLICABLE: 1, REQUIRED: 1 },
    });
    const counts = { total: 0, applicable: 0, installed: 0, required: 0, failed: 0, installedPct: 0 };
    expect(m.bySite).toEqual([
      { ...counts, siteCode: "BRN", total: 3, applicable: 3, installed: 2, required: 1, installedPct: 66.67 },
      { ...counts, siteCode: "CEN", total: 3, applicable: 2, installed: 1, failed: 1, installedPct: 50 },
    ]);
    expect(m.byLinkClass).toEqual([
      { ...counts, connectionProfile: "LAN", total: 3, applicable: 2, installed: 1, failed: 1, installedPct: 50 },
      { ...counts, connectionProfile: "WAN", total: 2, applicable: 2, installed: 1, required: 1, installedPct: 50 },
      { ...counts, connectionProfile: "DIALUP", total: 1, applicable: 1, installed: 1, installedPct: 100 },
    ]);
    // Three days of span: 15-minute buckets would pass 200 points, so 30-minute ones are used.
    expect(m.coverageBucketMinutes).toBe(30);
    expect(m.coverage.length).toBeLessThanOrEqual(200);
    expect(m.coverage[0]).toEqual({ at: day(20, "09:00"), succeeded: 0, pct: 0 });
    expect(m.coverage[1]).toEqual({ at: day(20, "09:30"), succeeded: 1, pct: 20 });
    expect(m.coverage.find((p) => p.at === day(20, "11:30"))).toEqual({
      at: day(20, "11:30"),
      succeeded: 2,
      pct: 40,
    });
    expect(m.coverage.at(-1)).toEqual({ at: day(23, "09:30"), succeeded: 3, pct: 60 });
  });

  it("shows a packaged update with no compliance yet as empty, and 404s an unknown one", async () => {
    const pkg = await smsAdmin.inject({
      method: "POST",
      url: "/api/fleets/production/packages",
      payload: { ...packageBody, packageId: "CEN00022", updateIds: ["KB835732"] },
    });
    expect(pkg.statusCode, pkg.body).toBe(201);
    const empty = await observer.inject({ method: "GET", url: "/api/fleets/production/updates/KB835732/monitor" });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ total: 0, installedPct: 0, bySite: [], coverage: [] });
    const unknown = await observer.inject({ method: "GET", url: "/api/fleets/production/updates/KB999999/monitor" });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("coverage curve buckets", () => {
  it("stays at or under 200 points whatever the span, growing the bucket", () => {
    const start = Date.parse("2026-01-01T00:00:00Z") / 1000;
    for (const spanDays of [0, 1, 2, 3, 10, 40, 100, 400]) {
      const rows = [
        { bucketStart: start, count: 1 },
        { bucketStart: start + spanDays * 86_400, count: 1 },
      ];
      const { coverage, coverageBucketMinutes } = coverageCurve(rows, 4);
      expect(coverage.length, `${spanDays} days`).toBeLessThanOrEqual(200);
      expect(coverage.at(-1)).toMatchObject({ succeeded: 2, pct: 50 });
      expect(coverageBucketMinutes).toBeGreaterThanOrEqual(15);
    }
    expect(coverageCurve([], 10)).toEqual({ coverage: [], coverageBucketMinutes: null });
  });
});

// ── the live stream, over a real socket

interface SseEvent {
  event: string;
  data: string;
}

async function openStream(base: string, cookie: string, url: string) {
  const res = await fetch(`${base}${url}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const comments: string[] = [];
  /** The next event (comments and the retry hint are collected, not returned); null when the stream ends. */
  async function next(): Promise<SseEvent | null> {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const ev: SseEvent = { event: "message", data: "" };
        let hasData = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments.push(line);
          else if (line.startsWith("event: ")) ev.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            ev.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) return ev;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
  }
  return { res, next, comments, cancel: () => reader.cancel() };
}

const waitFor = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
};

describe("live monitor stream", () => {
  it("is documented in OpenAPI as a text/event-stream", async () => {
    const spec = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
    const op = spec.paths["/api/fleets/{fleet}/advertisements/{advertisementId}/monitor/stream"].get;
    expect(Object.keys(op.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(op.responses["200"].description).toMatch(/event stream/);
    expect(op["x-roles"]).toContain("OBSERVER");
  });

  it("sends the snapshot, pushes new counts when status arrives, and stops its timer when the client goes", async () => {
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const stream = await openStream(
      base,
      observer.cookie,
      "/api/fleets/production/advertisements/CEN2000A/monitor/stream",
    );
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get("cache-control")).toMatch(/no-cache/);

    const first = await stream.next();
    expect(first?.event).toBe("monitor");
    const snapshot = JSON.parse(first!.data) as AdvertisementMonitor;
    expect(snapshot).toMatchObject({ targeted: 8, succeeded: 2, noStatus: 2 });

    const hub = monitorStreamsOf(t.db.prisma)!;
    expect(hub.openStreams).toBe(1);
    expect(hub.activeTimers).toBe(1);

    await ingest("status-messages", [msg(1008, 10008, day1("13:00"), 0)]);
    const pushed = await stream.next();
    expect(pushed?.event).toBe("monitor");
    const after = JSON.parse(pushed!.data) as AdvertisementMonitor;
    expect(after).toMatchObject({ targeted: 8, succeeded: 3, noStatus: 1, compliancePct: 37.5 });
    expect(after.neverReported.count).toBe(1);
    expect(after.coverage.at(-1)).toEqual({ at: day1("13:15"), succeeded: 3, pct: 37.5 });

    await stream.cancel();
    await waitFor("the stream is gone and its timer stopped", () => hub.openStreams === 0 && hub.activeTimers === 0);
  });

  it("caps the live monitors one session may hold open (429 with Retry-After)", async () => {
    await t.app.listen({ port: 0, host: "127.0.0.1" }).catch(() => undefined);
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const url = "/api/fleets/production/advertisements/CEN2000A/monitor/stream";
    const open = [];
    for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) {
      const s = await openStream(base, observer.cookie, url);
      expect((await s.next())?.event).toBe("monitor");
      open.push(s);
    }
    const refused = await fetch(`${base}${url}`, { headers: { cookie: `${SESSION_COOKIE}=${observer.cookie}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("15");
    expect(((await refused.json()) as { code: string }).code).toBe("RATE_LIMITED");
    await Promise.all(open.map((s) => s.cancel()));
    const hub = monitorStreamsOf(t.db.prisma)!;
    await waitFor("the streams are gone", () => hub.openStreams === 0);
  });

  it("ends open streams when the app closes", async () => {
    const db = await openTestDatabase();
    const app = await buildApp({ database: db });
    try {
      await app.ready();
      const other: TestApp = { app, db };
      const { token: otherToken } = await setUp(other);
      void otherToken;
      const reader = await userWithRole(other, "OBSERVER");
      await app.listen({ port: 0, host: "127.0.0.1" });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const stream = await openStream(
        base,
        reader.cookie,
        "/api/fleets/production/advertisements/CEN2000A/monitor/stream",
      );
      expect((await stream.next())?.event).toBe("monitor");
      expect(monitorStreamsOf(db.prisma)!.openStreams).toBe(1);
      await app.close();
      expect(await stream.next()).toBeNull();
      expect(monitorStreamsOf(db.prisma)!.activeTimers).toBe(0);
    } finally {
      await app.close();
      await db.close();
    }
  });
});

// ── the stream hub on its own, with a stand-in service and short timings

describe("monitor stream hub", () => {
  async function hubWith(timing: Partial<StreamTiming>) {
    const state = { count: 0, arrivals: 0, snapshots: 0, sessionOk: true };
    const svc = {
      statusTotals: async () => ({ count: state.count, highWater: 10n }),
      statusSince: async () => {
        const n = state.arrivals;
        state.arrivals = 0;
        return { highWater: n ? 10n : null, forAdvertisement: n };
      },
      advertisementMonitor: async () => ({ advertisementId: "CEN2000A", succeeded: state.snapshots++ }),
      sessionMayRead: async () => state.sessionOk,
    } as unknown as MonitoringService;
    const key = {};
    const hub = new MonitorStreams(svc, Fastify().log, ["OBSERVER"], statusNotifier(key), {
      pollMs: 20,
      minPushMs: 0,
      keepaliveMs: 60_000,
      reconcileMs: 60_000,
      sessionCheckMs: 60_000,
      ...timing,
    });
    const server = Fastify();
    server.get("/stream", async (req, reply) => {
      await hub.open(req, reply, { fleetId: "f1", kind: "PRODUCTION" }, "CEN2000A");
      return reply;
    });
    await server.listen({ port: 0, host: "127.0.0.1" });
    const res = await fetch(`http://127.0.0.1:${(server.server.address() as { port: number }).port}/stream`);
    // Collect everything in the background: events as they come, comments, and the end.
    const events: SseEvent[] = [];
    const comments: string[] = [];
    let ended = false;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = { event: "message", data: "" };
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line);
            else if (line.startsWith("event: ")) ev.event = line.slice(7);
            else if (line.startsWith("data: ")) ev.data += line.slice(6);
          }
          if (ev.data) events.push(ev);
        }
      }
      ended = true;
    })();
    const done = async () => {
      await reader.cancel().catch(() => undefined);
      await hub.close();
      await server.close();
      expect(hub.activeTimers).toBe(0);
    };
    return { hub, state, key, events, comments, isEnded: () => ended, done };
  }

  it("pushes when the reconciling count finds rows the high-water mark skipped", async () => {
    const h = await hubWith({ reconcileMs: 100 });
    try {
      await waitFor("the first snapshot", () => h.events.length === 1);
      h.state.count = 5; // rows that became visible below the watermark (an out-of-order commit)
      await waitFor("a pushed snapshot", () => h.events.length === 2);
      expect(JSON.parse(h.events[1]!.data)).toMatchObject({ succeeded: 1 });
    } finally {
      await h.done();
    }
  });

  it("coalesces a burst of arrivals and notices into one snapshot", async () => {
    const h = await hubWith({ minPushMs: 500 });
    try {
      await waitFor("the first snapshot", () => h.events.length === 1);
      // A burst inside the cool-down after the first snapshot…
      for (let i = 0; i < 10; i++) {
        h.state.arrivals += 1;
        notifyStatusStored(h.key, "f1", ["CEN2000A"]);
        await new Promise((r) => setTimeout(r, 5));
      }
      // …becomes one snapshot, and nothing follows it.
      await waitFor("one pushed snapshot", () => h.events.length === 2);
      await new Promise((r) => setTimeout(r, 700));
      expect(h.events.map((e) => JSON.parse(e.data).succeeded)).toEqual([0, 1]);
    } finally {
      await h.done();
    }
  });

  it("looks at once on an in-process notice, without waiting for its poll", async () => {
    const h = await hubWith({ pollMs: 60_000 });
    try {
      await waitFor("the first snapshot", () => h.events.length === 1);
      notifyStatusStored(h.key, "f1", ["CEN2000A"]);
      notifyStatusStored(h.key, "f1", ["OTHER000"]);
      await waitFor("a pushed snapshot", () => h.events.length === 2);
    } finally {
      await h.done();
    }
  });

  it("sends keepalive comments while nothing changes", async () => {
    const h = await hubWith({ keepaliveMs: 50 });
    try {
      await waitFor("a keepalive", () => h.comments.includes(": keepalive"));
      expect(h.events).toHaveLength(1);
    } finally {
      await h.done();
    }
  });

  it("ends the stream when the session no longer may read", async () => {
    const h = await hubWith({ sessionCheckMs: 50 });
    try {
      await waitFor("the first snapshot", () => h.events.length === 1);
      h.state.sessionOk = false;
      await waitFor("the stream ended", () => h.isEnded());
      expect(h.events.at(-1)?.event).toBe("end");
      await waitFor("no stream left", () => h.hub.openStreams === 0 && h.hub.activeTimers === 0);
    } finally {
      await h.done();
    }
  });
});
