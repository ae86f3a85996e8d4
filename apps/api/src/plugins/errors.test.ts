import { describe, expect, it } from "vitest";
import { AppError, REQUEST_ID_HEADER } from "@firebreak/domain";
import { listMigrations } from "@firebreak/db";
import { buildApp } from "../app.js";
import { openTestDatabase, userWithRole, buildTestApp } from "../../test/helpers.js";

const t = await buildTestApp();

describe("errors and headers", () => {
  it("answers unknown API routes with the JSON error shape", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/does-not-exist" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: "NOT_FOUND",
      message: "No route GET /api/does-not-exist",
      requestId: res.headers[REQUEST_ID_HEADER],
    });
  });

  it("puts its own request id on every response, whatever the client sent", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/health",
      headers: { [REQUEST_ID_HEADER]: "trace-12345678" },
    });
    expect(res.headers[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    const other = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(other.headers[REQUEST_ID_HEADER]).not.toBe(res.headers[REQUEST_ID_HEADER]);
  });

  it("refuses text with NUL characters with a 400, not a 500", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "a\u0000b", password: "x" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
  });

  it("sends security headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("rejects an oversized body with 413 and a broken JSON body with 400", async () => {
    const big = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "x".repeat(2 * 1024 * 1024), password: "y" }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe("PAYLOAD_TOO_LARGE");
    const broken = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe("VALIDATION_FAILED");
  });

  it("hides the internals of a 5xx", async () => {
    const db = await openTestDatabase();
    const app = await buildApp({ database: db });
    app.get("/api/boom", { config: { access: "public" } }, async () => {
      throw new Error("password=hunter2 at /srv/secret.ts:12");
    });
    app.get("/api/app-error", { config: { access: "public" } }, async () => {
      throw new AppError("CONFLICT", "Already done.");
    });
    await app.ready();
    try {
      const res = await app.inject({ method: "GET", url: "/api/boom" });
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe("INTERNAL");
      expect(res.body).not.toContain("hunter2");
      expect(res.body).not.toContain("secret.ts");
      const conflict = await app.inject({ method: "GET", url: "/api/app-error" });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toMatchObject({ code: "CONFLICT", message: "Already done." });
    } finally {
      await app.close();
      await db.close();
    }
  });

  it("reports health with the database and the applied migration", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    const newest = (await listMigrations()).at(-1)!.name;
    expect(res.json()).toMatchObject({ status: "ok", database: { reachable: true, latestMigration: newest } });
  });

  it("documents the API as OpenAPI 3.1", async () => {
    const spec = (await (await userWithRole(t, "OBSERVER")).inject({ method: "GET", url: "/api/openapi.json" })).json();
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.components.schemas.ApiError).toBeDefined();
  });
});
