import { describe, expect, it } from "vitest";
import { CSRF_HEADER, SESSION_COOKIE } from "@firebreak/domain";
import { createUser } from "@firebreak/db/factories";
import { buildTestApp, login, userWithRole } from "../../../test/helpers.js";

const t = await buildTestApp();
const https = await buildTestApp({ trustProxy: true });
const proxied = await buildTestApp({ trustProxy: 1 });

describe("POST /api/auth/login", () => {
  it("signs in and sets an httpOnly, SameSite session cookie", async () => {
    const user = await createUser(t.db.prisma, { role: "ERT_LEAD" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { username: user.username, role: "ERT_LEAD" }, idleTimeoutSeconds: 1800 });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    expect(cookie.secure).toBeFalsy(); // plain HTTP here; Secure is set when the request came over HTTPS
    const row = await t.db.prisma.session.findFirst({ where: { userId: user.id } });
    expect(row?.tokenHash).not.toBe(cookie.value); // only a hash of the token is stored
  });

  it("marks the cookie Secure when the request came over HTTPS", async () => {
    const user = await createUser(https.db.prisma);
    const res = await https.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "x-forwarded-proto": "https" },
      payload: { username: user.username, password: "correct horse battery staple" },
    });
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true);
  });

  it("answers a wrong password and an unknown user with the same clear 401", async () => {
    const user = await createUser(t.db.prisma);
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "nope" },
      remoteAddress: "10.1.0.1",
    });
    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "nobody-here", password: "nope" },
      remoteAddress: "10.1.0.1",
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: "UNAUTHENTICATED", message: "Wrong username or password." });
      expect(res.cookies).toHaveLength(0);
    }
  });

  it("refuses a disabled account", async () => {
    const user = await createUser(t.db.prisma, { disabled: true });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
    });
    expect(res.statusCode).toBe(401);
  });

  it("rejects a malformed body with 400 naming each field", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "" } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(["body.password", "body.username"]);
  });

  it("locks an account after 5 failures with 429 and Retry-After, even for the right password", async () => {
    const user = await createUser(t.db.prisma);
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: user.username, password: "wrong" },
        remoteAddress: `10.2.0.${i}`,
      });
      expect(res.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
      remoteAddress: "10.2.1.1",
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(800);
    expect(locked.json().message).toMatch(/Try again in 15 minutes/);
  });

  it("throttles one IP address after 20 failures across accounts", async () => {
    const ip = "10.3.3.3";
    for (let i = 0; i < 20; i++) {
      await t.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: `guess-${i}`, password: "x" },
        remoteAddress: ip,
      });
    }
    const user = await createUser(t.db.prisma);
    const fromThatIp = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
      remoteAddress: ip,
    });
    expect(fromThatIp.statusCode).toBe(429);
    const fromElsewhere = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
      remoteAddress: "10.3.3.4",
    });
    expect(fromElsewhere.statusCode).toBe(200);
  });
});

describe("sessions", () => {
  it("GET /api/auth/session returns the user and CSRF token; 401 without a cookie", async () => {
    const client = await userWithRole(t, "MANAGER");
    const res = await client.inject({ method: "GET", url: "/api/auth/session" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { role: "MANAGER" }, csrfToken: client.session.csrfToken });
    expect((await t.app.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
  });

  it("logout revokes the session", async () => {
    const client = await userWithRole(t, "OBSERVER");
    const out = await client.inject({ method: "POST", url: "/api/auth/logout" });
    expect(out.statusCode).toBe(204);
    expect((await client.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
  });

  it("expires a session that sat idle past the idle timeout", async () => {
    const client = await userWithRole(t, "OBSERVER");
    await t.db.prisma.session.updateMany({
      where: { csrfToken: client.session.csrfToken },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect((await client.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
    expect(await t.db.prisma.session.count({ where: { csrfToken: client.session.csrfToken } })).toBe(0);
  });

  it("expires a session past its absolute lifetime even when active", async () => {
    const client = await userWithRole(t, "OBSERVER");
    await t.db.prisma.session.updateMany({
      where: { csrfToken: client.session.csrfToken },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await client.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(401);
  });

  it("refuses a state-changing request without the CSRF token", async () => {
    const client = await userWithRole(t, "OBSERVER");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: { [SESSION_COOKIE]: client.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("CSRF_FAILED");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: { [SESSION_COOKIE]: client.cookie },
      headers: { [CSRF_HEADER]: "forged" },
    });
    expect(wrong.statusCode).toBe(403);
    // The session is still alive: nothing happened.
    expect((await client.inject({ method: "GET", url: "/api/auth/session" })).statusCode).toBe(200);
  });

  it("records sign-ins, failures and sign-outs in the audit log", async () => {
    const user = await createUser(t.db.prisma);
    await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "bad" },
      remoteAddress: "10.4.4.4",
    });
    const client = await login(t.app, user.username);
    await client.inject({ method: "POST", url: "/api/auth/logout" });
    const actions = (
      await t.db.prisma.auditEntry.findMany({ where: { actorName: user.username }, orderBy: { seq: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["auth.login_failed", "auth.login", "auth.logout"]);
  });
});

describe("login throttling under parallel guesses", () => {
  it("locks the account even when the guesses arrive all at once", async () => {
    const user = await createUser(t.db.prisma);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.app.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { username: user.username, password: "wrong" },
          remoteAddress: `10.7.0.${i}`,
        }),
      ),
    );
    const statuses = guesses.map((g) => g.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it("a successful sign-in does not count against the address it came from", async () => {
    const ip = "10.8.8.8";
    for (let i = 0; i < 25; i++) {
      const user = await createUser(t.db.prisma);
      const ok = await t.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: user.username, password: "correct horse battery staple" },
        remoteAddress: ip,
      });
      expect(ok.statusCode).toBe(200);
    }
  });
});

describe("behind a proxy", () => {
  it("trusts one hop only: a forged X-Forwarded-For cannot pick the throttled address", async () => {
    const user = await createUser(proxied.db.prisma);
    for (let i = 0; i < 20; i++) {
      await proxied.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: `nobody-${i}`, password: "x" },
        remoteAddress: "127.0.0.1",
        headers: { "x-forwarded-for": `6.6.6.${i}, 10.20.30.40` },
      });
    }
    // The load balancer saw 10.20.30.40 every time: that address is throttled, whatever the client claimed.
    const res = await proxied.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: user.username, password: "correct horse battery staple" },
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": "1.2.3.4, 10.20.30.40" },
    });
    expect(res.statusCode).toBe(429);
  });
});
