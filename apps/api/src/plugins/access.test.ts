import { describe, expect, it } from "vitest";
import { ROLES } from "@firebreak/domain";
import { buildApp } from "../app.js";
import { buildTestApp, openTestDatabase, userWithRole } from "../../test/helpers.js";

const t = await buildTestApp();

type Operation = { security?: unknown[]; "x-roles"?: string[] };
const spec = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json<{
  paths: Record<string, Record<string, Operation>>;
}>();
const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");

// Routes that are meant to be reachable without signing in. Everything else must answer 401.
const PUBLIC = new Set(["POST /api/auth/login", "GET /api/health"]);

describe("access control", () => {
  it("documents every API route in OpenAPI with its roles or as public", () => {
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const { path, method, op } of operations) {
      const key = `${method} ${path}`;
      if (PUBLIC.has(key)) expect(op.security, key).toEqual([]);
      else if (path.startsWith("/api/ingest/")) expect(op.security, key).toEqual([{ ingestToken: [] }]);
      else {
        expect(op.security, key).toEqual([{ sessionCookie: [] }]);
        expect(op["x-roles"]?.length, `${key} declares no roles`).toBeGreaterThan(0);
      }
    }
  });

  it("lets no route be reached anonymously unless it is meant to be", async () => {
    for (const { path, method } of operations) {
      const key = `${method} ${path}`;
      const res = await t.app.inject({
        method: method as "GET",
        url: concrete(path),
        payload: method === "GET" ? undefined : {},
      });
      if (PUBLIC.has(key)) expect(res.statusCode, key).not.toBe(401);
      else expect(res.statusCode, key).toBe(401);
    }
    expect((await t.app.inject({ method: "GET", url: "/api/openapi.json" })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/docs/" })).statusCode).toBe(200);
  });

  it("cannot be bypassed by percent-encoding the path", async () => {
    for (const url of ["/%61pi/users", "/%61pi/audit", "/%61pi/fleets/production/computers", "/api/%75sers"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(401);
    }
    const observer = await userWithRole(t, "OBSERVER");
    const forged = await t.app.inject({
      method: "POST",
      url: "/%61pi/users",
      cookies: { fb_session: observer.cookie },
      payload: { username: "mallory", displayName: "M", role: "ADMIN", password: "a long enough password" },
    });
    expect(forged.statusCode).toBe(403);
    expect(await t.db.prisma.user.count({ where: { username: "mallory" } })).toBe(0);
  });

  it("answers 403 (not 401, not 404) to a signed-in role outside a route's list", async () => {
    // One signed-in user per role (password hashing is deliberately slow; one per route timed out).
    const clients = new Map<(typeof ROLES)[number], Awaited<ReturnType<typeof userWithRole>>>();
    for (const { path, method, op } of operations) {
      const allowed = op["x-roles"];
      if (!allowed || path.startsWith("/api/ingest/")) continue;
      const outsider = ROLES.find((r) => !allowed.includes(r));
      if (!outsider) continue;
      const client = clients.get(outsider) ?? (await userWithRole(t, outsider));
      clients.set(outsider, client);
      const res = await client.inject({
        method: method as "GET",
        url: concrete(path),
        payload: method === "GET" ? undefined : {},
      });
      expect(res.statusCode, `${method} ${path} as ${outsider}`).toBe(403);
    }
  });

  it("does not let a user session stand in for an ingest token", async () => {
    const admin = await userWithRole(t, "SMS_ADMIN");
    const res = await admin.inject({ method: "POST", url: "/api/ingest/status-messages", payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/ingest token/);
  });

  it("closes a route that declares no access to everyone (default deny)", async () => {
    const db = await openTestDatabase();
    const app = await buildApp({ database: db });
    app.get("/api/forgotten", async () => ({ secret: true }));
    await app.ready();
    try {
      expect((await app.inject({ method: "GET", url: "/api/forgotten" })).statusCode).toBe(401);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
