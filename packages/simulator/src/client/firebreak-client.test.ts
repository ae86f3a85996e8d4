import { describe, expect, it } from "vitest";
import { createSimulation } from "../engine.js";
import { generateFleet } from "../presets.js";
import { emergencyRelease, loadRelease } from "../scenarios.js";
import { FakeFirebreak } from "./fake-firebreak.js";
import {
  FirebreakClient,
  FirebreakError,
  isFirebreakError,
  parseRetryAfter,
  type FetchLike,
} from "./firebreak-client.js";
import { ensureRelease, importFleet, playThroughApi } from "./play.js";

const T0 = Date.parse("2026-03-10T06:00:00.000Z");
const HOUR = 3_600_000;
const URL0 = "http://firebreak.test";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const apiError = (
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => json(status, { code, message, requestId: "req-1", ...extra }, headers);
const session = {
  user: {
    id: "00000000-0000-4000-8000-000000000009",
    username: "sms-admin",
    displayName: "SMS admin",
    role: "SMS_ADMIN",
  },
  csrfToken: "csrf-1",
  expiresAt: "2026-03-10T18:00:00.000Z",
  idleTimeoutSeconds: 1800,
};

/** A scripted fetch: answers from `handler`, records every request. */
function scripted(handler: (req: Seen, n: number) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchImpl: FetchLike = async (input, init) => {
    const u = new URL(input);
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const req: Seen = {
      method: init.method ?? "GET",
      path: u.pathname,
      headers,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    seen.push(req);
    return handler(req, seen.length);
  };
  return { seen, fetchImpl };
}

const login = (req: Seen) =>
  req.path === "/api/auth/login"
    ? json(200, session, { "set-cookie": "fb_session=abc123; Max-Age=43200; Path=/; HttpOnly; SameSite=Lax" })
    : null;
const noSleep = { sleep: async () => undefined };
const refused = () => {
  throw new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3000"), { code: "ECONNREFUSED" }),
  });
};

describe("FirebreakClient: session, CSRF and bearer auth", () => {
  it("keeps the session cookie, sends x-csrf-token on writes, and uses the ingest token (not the session) on /api/ingest", async () => {
    const { seen, fetchImpl } = scripted(
      (req) =>
        login(req) ??
        json(
          200,
          req.path.endsWith("/import")
            ? { sites: 0, siteSystems: 0, boundaries: 0, senderAddresses: 0, computers: 0, collections: 0 }
            : { batchId: "x", accepted: 1, clientStatesChanged: 1, ignoredAsOlder: 0, replay: false },
        ),
    );
    const c = new FirebreakClient({ baseUrl: `${URL0}/`, fetch: fetchImpl });
    await c.login("sms-admin", "firebreak-demo");
    await c.importFleet({ sites: [] });
    await c.getAdvertisement("CEN20001").catch(() => undefined);
    await c.postCompliance("fbi_tok", { batchId: "batch-0001", rows: [] });

    expect(seen[0]).toMatchObject({
      method: "POST",
      path: "/api/auth/login",
      body: { username: "sms-admin", password: "firebreak-demo" },
    });
    expect(seen[1]).toMatchObject({
      method: "POST",
      path: "/api/fleets/production/import",
      headers: { cookie: "fb_session=abc123", "x-csrf-token": "csrf-1", "content-type": "application/json" },
    });
    expect(seen[2]?.headers).toMatchObject({ cookie: "fb_session=abc123" });
    expect(seen[2]?.headers["x-csrf-token"]).toBeUndefined();
    expect(seen[3]).toMatchObject({ path: "/api/ingest/compliance", headers: { authorization: "Bearer fbi_tok" } });
    expect(seen[3]?.headers.cookie).toBeUndefined();
  });

  it("signs in again once when the session has expired during a long run", async () => {
    let expired = true;
    const { seen, fetchImpl } = scripted((req) => {
      const l = login(req);
      if (l) return l;
      if (expired) {
        expired = false;
        return apiError(401, "UNAUTHENTICATED", "Your session has ended. Sign in again.");
      }
      return json(200, {
        advertisementId: "CEN20001",
        targeted: 1,
        byState: {},
        noStatus: 1,
        succeeded: 0,
        failed: 0,
        compliancePct: 0,
      });
    });
    const c = new FirebreakClient({ baseUrl: URL0, fetch: fetchImpl, ...noSleep });
    await c.login("sms-admin", "firebreak-demo");
    await expect(c.advertisementStatus("CEN20001")).resolves.toMatchObject({ targeted: 1 });
    expect(seen.map((s) => s.path)).toEqual([
      "/api/auth/login",
      "/api/fleets/production/advertisements/CEN20001/status",
      "/api/auth/login",
      "/api/fleets/production/advertisements/CEN20001/status",
    ]);
  });

  it("says plainly when sign-in fails", async () => {
    const { fetchImpl } = scripted(() => apiError(401, "UNAUTHENTICATED", "Wrong username or password."));
    const c = new FirebreakClient({ baseUrl: URL0, fetch: fetchImpl, ...noSleep });
    await expect(c.login("sms-admin", "nope")).rejects.toThrow(
      "sign-in failed for sms-admin: Wrong username or password.",
    );
  });

  it("does not wait out a long sign-in lock-out (429 with a long Retry-After)", async () => {
    const { seen, fetchImpl } = scripted(() =>
      apiError(429, "RATE_LIMITED", "Too many failed sign-ins.", {}, { "retry-after": "900" }),
    );
    const c = new FirebreakClient({ baseUrl: URL0, fetch: fetchImpl, ...noSleep });
    await expect(c.login("sms-admin", "x")).rejects.toThrow(
      /sign-in failed for sms-admin: Too many failed sign-ins\. \(try again in 15 min\)/,
    );
    expect(seen).toHaveLength(1);
  });
});

describe("FirebreakClient: errors and retries", () => {
  it("turns the API error shape into a readable error with code, row-level details and request id", async () => {
    const { fetchImpl } = scripted(() =>
      apiError(400, "VALIDATION_FAILED", "The batch was rejected and nothing was stored: 1 row is not valid.", {
        details: [{ path: "messages.3.resourceId", message: "no computer with resource id 42" }],
      }),
    );
    const c = new FirebreakClient({ baseUrl: URL0, fetch: fetchImpl, ...noSleep });
    const err = await c.postStatusMessages("t", { batchId: "batch-0001", messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FirebreakError);
    const e = err as FirebreakError;
    expect(e).toMatchObject({ kind: "api", status: 400, code: "VALIDATION_FAILED", requestId: "req-1" });
    expect(e.message).toBe(
      "POST /api/ingest/status-messages failed: 400 VALIDATION_FAILED: The batch was rejected and nothing was stored: 1 row is not valid.\n  - messages.3.resourceId: no computer with resource id 42\n  (request id req-1)",
    );
  });

  it("retries 5xx with backoff and then succeeds; a 4xx is not retried", async () => {
    const { seen, fetchImpl } = scripted((_req, n) =>
      n < 3
        ? apiError(503, "UNAVAILABLE", "Database busy")
        : json(200, { batchId: "b", accepted: 1, clientStatesChanged: 1, ignoredAsOlder: 0, replay: false }),
    );
    const delays: number[] = [];
    const c = new FirebreakClient({
      baseUrl: URL0,
      fetch: fetchImpl,
      sleep: async (ms) => void delays.push(ms),
      backoffMs: 100,
    });
    await expect(c.postCompliance("t", { batchId: "batch-0001", rows: [] })).resolves.toMatchObject({ accepted: 1 });
    expect(seen).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(75);
    expect(delays[1]).toBeGreaterThanOrEqual(150);
    expect(c.retryCount).toBe(2);

    const bad = scripted(() => apiError(400, "VALIDATION_FAILED", "no"));
    const c2 = new FirebreakClient({ baseUrl: URL0, fetch: bad.fetchImpl, ...noSleep });
    await expect(c2.postCompliance("t", { batchId: "batch-0001", rows: [] })).rejects.toMatchObject({ status: 400 });
    expect(bad.seen).toHaveLength(1);
  });

  it("honours Retry-After on 429 (seconds or an HTTP date)", async () => {
    const { fetchImpl } = scripted((_req, n) =>
      n === 1
        ? apiError(429, "RATE_LIMITED", "Slow down", {}, { "retry-after": "3" })
        : json(200, { batchId: "b", accepted: 1, clientStatesChanged: 0, ignoredAsOlder: 0, replay: false }),
    );
    const delays: number[] = [];
    const c = new FirebreakClient({
      baseUrl: URL0,
      fetch: fetchImpl,
      sleep: async (ms) => void delays.push(ms),
      backoffMs: 10,
    });
    await c.postDpStatus("t", { batchId: "batch-0001", changes: [] });
    expect(delays).toEqual([3000]);
    expect(parseRetryAfter("2")).toBe(2000);
    expect(
      parseRetryAfter(new Date(Date.parse("2026-03-10T06:00:05Z")).toUTCString(), Date.parse("2026-03-10T06:00:00Z")),
    ).toBe(5000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("gives up on an unreachable server with a hint to start Firebreak", async () => {
    const { seen, fetchImpl } = scripted(refused);
    const c = new FirebreakClient({ baseUrl: "http://localhost:3000", fetch: fetchImpl, retries: 3, ...noSleep });
    const err = await c.login("sms-admin", "firebreak-demo").catch((e: unknown) => e);
    expect(isFirebreakError(err) && err.kind).toBe("network");
    expect((err as Error).message).toMatch(
      /^cannot reach http:\/\/localhost:3000 — is `npm start` running\? \(POST \/api\/auth\/login: ECONNREFUSED\)$/,
    );
    expect(seen).toHaveLength(4);
  });

  it("retries making an ingest token only when the request certainly did not arrive (it is not idempotent)", async () => {
    const after500 = scripted(
      (req, n) =>
        login(req) ??
        (n === 2
          ? apiError(500, "INTERNAL", "boom")
          : json(201, { id: "x", name: "n", siteCodes: ["CEN"], token: "t" })),
    );
    const c = new FirebreakClient({ baseUrl: URL0, fetch: after500.fetchImpl, ...noSleep });
    await c.login("sms-admin", "firebreak-demo");
    await expect(c.createIngestToken({ name: "n", siteCodes: ["CEN"] })).rejects.toMatchObject({ status: 500 });
    expect(after500.seen).toHaveLength(2);

    let calls = 0;
    const afterRefused = scripted((req) => {
      const l = login(req);
      if (l) return l;
      if (++calls === 1) refused();
      return json(201, { id: "x", name: "n", siteCodes: ["CEN"], token: "t" });
    });
    const c2 = new FirebreakClient({ baseUrl: URL0, fetch: afterRefused.fetchImpl, ...noSleep });
    await c2.login("sms-admin", "firebreak-demo");
    await expect(c2.createIngestToken({ name: "n", siteCodes: ["CEN"] })).resolves.toMatchObject({ token: "t" });
  });
});

/** Serves a FakeFirebreak over the fake fetch, like the real routes would. */
function fakeServer(
  api: FakeFirebreak,
  opts: { loseAnswer?: (path: string, body: { batchId?: string }) => boolean } = {},
) {
  const routes: [string, RegExp, (m: RegExpExecArray, body: never, auth: string) => Promise<unknown>][] = [
    ["POST", /^\/api\/fleets\/production\/import$/, (_m, b) => api.importFleet(b)],
    ["POST", /^\/api\/fleets\/production\/packages$/, (_m, b) => api.createPackage(b)],
    ["GET", /^\/api\/fleets\/production\/packages\/([^/]+)$/, (m) => api.getPackage(m[1] as string)],
    ["POST", /^\/api\/fleets\/production\/packages\/[^/]+\/programs$/, (_m, b) => api.createProgram(b)],
    [
      "GET",
      /^\/api\/fleets\/production\/packages\/([^/]+)\/programs\/([^/]+)$/,
      (m) => api.getProgram(m[1] as string, decodeURIComponent(m[2] as string)),
    ],
    ["POST", /^\/api\/fleets\/production\/advertisements$/, (_m, b) => api.createAdvertisement(b)],
    ["GET", /^\/api\/fleets\/production\/advertisements\/([^/]+)$/, (m) => api.getAdvertisement(m[1] as string)],
    ["POST", /^\/api\/fleets\/production\/ingest-tokens$/, (_m, b) => api.createIngestToken(b)],
    ["POST", /^\/api\/ingest\/status-messages$/, (_m, b, auth) => api.postStatusMessages(auth, b)],
    ["POST", /^\/api\/ingest\/compliance$/, (_m, b, auth) => api.postCompliance(auth, b)],
    ["POST", /^\/api\/ingest\/dp-status$/, (_m, b, auth) => api.postDpStatus(auth, b)],
  ];
  return scripted(async (req) => {
    const l = login(req);
    if (l) return l;
    for (const [method, re, fn] of routes) {
      const m = re.exec(req.path);
      if (!m || method !== req.method) continue;
      try {
        const out = await fn(m, req.body as never, (req.headers.authorization ?? "").replace(/^Bearer /, ""));
        // The server did the work, but the answer never comes back: the client must send it again.
        if (opts.loseAnswer?.(req.path, req.body as { batchId?: string })) {
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
          });
        }
        return json(
          method === "POST" && !req.path.startsWith("/api/ingest") && !req.path.endsWith("/import") ? 201 : 200,
          out,
        );
      } catch (err) {
        if (isFirebreakError(err))
          return apiError(
            err.status ?? 500,
            err.code ?? "INTERNAL",
            err.apiMessage ?? err.message,
            err.details ? { details: err.details } : {},
          );
        throw err;
      }
    }
    return apiError(404, "NOT_FOUND", `Route ${req.method}:${req.path} not found`);
  });
}

describe("the whole path through the real client (fetch faked at the edge)", () => {
  it("a lost answer is re-sent with the same batch id: stored once, counted as a replay", async () => {
    const fleet = generateFleet({ preset: "demo", seed: 3, startTime: T0 });
    const api = new FakeFirebreak();
    const lost = new Set<string>();
    const { seen, fetchImpl } = fakeServer(api, {
      // Lose the first answer of every fifth ingest batch.
      loseAnswer: (path, body) => {
        if (!path.startsWith("/api/ingest/") || !body.batchId || lost.has(body.batchId)) return false;
        if ([...body.batchId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 5 !== 0) return false;
        lost.add(body.batchId);
        return true;
      },
    });
    const client = new FirebreakClient({ baseUrl: URL0, fetch: fetchImpl, ...noSleep });
    await client.login("sms-admin", "firebreak-demo");
    await importFleet(client, fleet, undefined, { seed: 3, from: T0 });
    const release = emergencyRelease(fleet, { at: new Date(T0).toISOString() });
    await ensureRelease(client, release);
    await expect(ensureRelease(client, release)).resolves.toMatchObject({
      package: "existing",
      program: "existing",
      advertisement: "existing",
    });
    const { token } = await client.createIngestToken({ name: "sim", siteCodes: fleet.sites.map((s) => s.siteCode) });
    const sim = createSimulation({ fleet, seed: 3, startTime: T0 });
    loadRelease(sim, release);

    const summary = await playThroughApi({ client, ingestToken: token, simulation: sim, until: T0 + 24 * HOUR });

    expect(lost.size).toBeGreaterThan(3);
    expect(summary.replays).toBe(lost.size);
    expect(client.retryCount).toBe(lost.size);
    // Each lost batch was sent exactly twice, with the same id and the same rows.
    for (const id of lost) {
      const sends = seen.filter((s) => (s.body as { batchId?: string } | undefined)?.batchId === id);
      expect(sends).toHaveLength(2);
      expect(sends[1]?.body).toEqual(sends[0]?.body);
    }
    // Nothing stored twice: one stored batch per id, rows equal to what was played.
    expect(api.batches.size).toBe(summary.batches);
    expect(api.ingestCalls.filter((c) => !c.replay)).toHaveLength(summary.batches);
    expect(api.storedRows("status")).toBe(summary.statusMessages);
    expect(api.storedRows("compliance")).toBe(summary.complianceRows);
  });
});

describe("FirebreakClient: reading what the console made", () => {
  it("reads collections and pages through a collection's computers with the query in the URL", async () => {
    const urls: string[] = [];
    const { fetchImpl } = scripted((req) => login(req) ?? json(200, { items: [], page: 2, pageSize: 500, total: 0 }));
    const c = new FirebreakClient({
      baseUrl: URL0,
      fleet: "drill-1",
      fetch: (input, init) => {
        urls.push(input);
        return fetchImpl(input, init);
      },
    });
    await c.login("sms-admin", "firebreak-demo");
    await c.getCollection("CEN00020");
    expect(await c.listCollections()).toEqual([]);
    await c.listComputers({ collectionId: "CEN00020", page: 2, pageSize: 500 });
    expect(urls.slice(1)).toEqual([
      `${URL0}/api/fleets/drill-1/collections/CEN00020`,
      `${URL0}/api/fleets/drill-1/collections`,
      `${URL0}/api/fleets/drill-1/computers?collectionId=CEN00020&page=2&pageSize=500`,
    ]);
  });
});
