import { describe, expect, it } from "vitest";
import { buildTestApp, login, userWithRole, TEST_PASSWORD } from "../../../test/helpers.js";
import type { User } from "@firebreak/domain";

const t = await buildTestApp();
const admin = await userWithRole(t, "ADMIN");

const newUser = (over: Record<string, unknown> = {}) => ({
  username: `ops-${Math.random().toString(36).slice(2, 8)}`,
  displayName: "Pat Patcher",
  role: "ERT_MEMBER",
  password: "a long enough password",
  ...over,
});

describe("users", () => {
  it("an administrator creates a user who can then sign in; the change is audited", async () => {
    const body = newUser();
    const res = await admin.inject({ method: "POST", url: "/api/users", payload: body });
    expect(res.statusCode).toBe(201);
    const created = res.json<User>();
    expect(created).toMatchObject({ username: body.username, role: "ERT_MEMBER", disabled: false, version: 1 });
    expect(res.json()).not.toHaveProperty("passwordHash");
    expect(res.headers.etag).toBe('W/"1"');
    await login(t.app, body.username, body.password);
    const entry = await t.db.prisma.auditEntry.findFirst({ where: { action: "user.create", entityId: created.id } });
    expect(entry).toMatchObject({ actorName: admin.username, actorRole: "ADMIN", entityType: "user" });
    expect(JSON.stringify(entry?.after)).not.toContain("password a long");
  });

  it("rejects bad input with 400 and field details, and stores nothing", async () => {
    const before = await t.db.prisma.user.count();
    const res = await admin.inject({
      method: "POST",
      url: "/api/users",
      payload: newUser({ username: "Bad Name!", password: "short", role: "KING" }),
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .details.map((d: { path: string }) => d.path)
      .sort();
    expect(paths).toEqual(["body.password", "body.role", "body.username"]);
    expect(await t.db.prisma.user.count()).toBe(before);
  });

  it("refuses a duplicate username with 409 and writes no audit entry", async () => {
    const body = newUser();
    await admin.inject({ method: "POST", url: "/api/users", payload: body });
    const auditBefore = await t.db.prisma.auditEntry.count();
    const again = await admin.inject({ method: "POST", url: "/api/users", payload: body });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain(body.username);
    expect(await t.db.prisma.auditEntry.count()).toBe(auditBefore);
  });

  it("is for administrators only: 403 for other roles, 401 anonymously", async () => {
    const lead = await userWithRole(t, "ERT_LEAD");
    expect((await lead.inject({ method: "GET", url: "/api/users" })).statusCode).toBe(403);
    expect((await lead.inject({ method: "POST", url: "/api/users", payload: newUser() })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/users" })).statusCode).toBe(401);
  });

  it("needs If-Match to change a user: 428 without it, 412 when stale", async () => {
    const created = (await admin.inject({ method: "POST", url: "/api/users", payload: newUser() })).json<User>();
    const url = `/api/users/${created.id}`;
    expect((await admin.inject({ method: "PATCH", url, payload: { displayName: "X" } })).statusCode).toBe(428);
    const ok = await admin.inject({
      method: "PATCH",
      url,
      payload: { displayName: "Renamed" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ displayName: "Renamed", version: 2 });
    expect(ok.headers.etag).toBe('W/"2"');
    const stale = await admin.inject({
      method: "PATCH",
      url,
      payload: { displayName: "Lost update" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(stale.statusCode).toBe(412);
    expect((await admin.inject({ method: "GET", url })).json().displayName).toBe("Renamed");
  });

  it("revokes a user's sessions when their role changes", async () => {
    const member = await userWithRole(t, "ERT_MEMBER");
    expect((await member.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(200);
    const res = await admin.inject({
      method: "PATCH",
      url: `/api/users/${member.userId}`,
      payload: { role: "ERT_LEAD" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(res.statusCode).toBe(200);
    expect((await member.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
    const relogged = await login(t.app, member.username, TEST_PASSWORD);
    expect(relogged.session.user.role).toBe("ERT_LEAD");
  });

  it("revokes sessions when a user is disabled, and the user cannot sign in", async () => {
    const member = await userWithRole(t, "SMS_ADMIN");
    await admin.inject({
      method: "PATCH",
      url: `/api/users/${member.userId}`,
      payload: { disabled: true },
      headers: { "if-match": 'W/"1"' },
    });
    expect(await t.db.prisma.session.count({ where: { userId: member.userId } })).toBe(0);
    expect((await member.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
    await expect(login(t.app, member.username)).rejects.toThrow(/401/);
  });

  it("revokes sessions when an administrator sets a new password", async () => {
    const member = await userWithRole(t, "MANAGER");
    const res = await admin.inject({
      method: "PATCH",
      url: `/api/users/${member.userId}`,
      payload: { password: "another long password" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(res.statusCode).toBe(200);
    expect(await t.db.prisma.session.count({ where: { userId: member.userId } })).toBe(0);
    expect((await member.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
    await login(t.app, member.username, "another long password");
  });

  it("does not let an administrator lock themselves out", async () => {
    const self = await userWithRole(t, "ADMIN");
    const res = await self.inject({
      method: "PATCH",
      url: `/api/users/${self.userId}`,
      payload: { disabled: true },
      headers: { "if-match": 'W/"1"' },
    });
    expect(res.statusCode).toBe(409);
  });

  it("answers 404 for an unknown user and 400 for a malformed id", async () => {
    expect(
      (await admin.inject({ method: "GET", url: "/api/users/00000000-0000-4000-8000-000000000000" })).statusCode,
    ).toBe(404);
    const bad = await admin.inject({ method: "GET", url: "/api/users/not-a-uuid" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe("params.id");
  });
});
