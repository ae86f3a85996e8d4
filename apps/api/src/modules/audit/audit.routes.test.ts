import { describe, expect, it } from "vitest";
import type { AuditPage, AuditVerification } from "@firebreak/domain";
import { buildTestApp, userWithRole } from "../../../test/helpers.js";

const t = await buildTestApp();
const admin = await userWithRole(t, "ADMIN");
const observer = await userWithRole(t, "OBSERVER");

async function createUsers(n: number) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      admin.inject({
        method: "POST",
        url: "/api/users",
        payload: {
          username: `audited-${i}-${Date.now() % 100000}`,
          displayName: `Audited ${i}`,
          role: "OBSERVER",
          password: "a long enough password",
        },
      }),
    ),
  );
  for (const r of results) expect(r.statusCode).toBe(201);
}

/** An attacker with database access: switch the append-only trigger off, do `sql`, switch it back on. */
async function tamper(sql: string) {
  await t.db.prisma.$executeRawUnsafe(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update_or_delete`);
  await t.db.prisma.$executeRawUnsafe(sql);
  await t.db.prisma.$executeRawUnsafe(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_update_or_delete`);
}

describe("audit log", () => {
  it("lists entries newest first with filters and paging", async () => {
    await createUsers(3);
    const all = (
      await observer.inject({ method: "GET", url: "/api/audit?action=user.create&pageSize=2" })
    ).json<AuditPage>();
    expect(all.total).toBeGreaterThanOrEqual(3);
    expect(all.items).toHaveLength(2);
    expect(BigInt(all.items[0]!.seq)).toBeGreaterThan(BigInt(all.items[1]!.seq));
    const page2 = (
      await observer.inject({ method: "GET", url: "/api/audit?action=user.create&pageSize=2&page=2" })
    ).json<AuditPage>();
    expect(page2.items[0]!.seq).not.toBe(all.items[1]!.seq);

    const byPrefix = (
      await observer.inject({ method: "GET", url: `/api/audit?action=auth.&actor=${admin.username}` })
    ).json<AuditPage>();
    expect(byPrefix.items.map((i) => i.action)).toEqual(["auth.login"]);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = (
      await observer.inject({ method: "GET", url: `/api/audit?from=${encodeURIComponent(future)}` })
    ).json<AuditPage>();
    expect(none).toMatchObject({ items: [], total: 0 });
  });

  it("rejects an inverted time range with a clear 400", async () => {
    const res = await observer.inject({
      method: "GET",
      url: `/api/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/from.*must not be after.*to/);
  });

  it("offers the distinct actions, entity types and actors as facets", async () => {
    const facets = (await observer.inject({ method: "GET", url: "/api/audit/facets" })).json();
    expect(facets.actions).toEqual(expect.arrayContaining(["auth.login", "user.create"]));
    expect(facets.actors).toContain(admin.username);
  });

  it("is readable by observers and managers, not by ERT members or SMS admins", async () => {
    for (const role of ["ERT_MEMBER", "SMS_ADMIN"] as const) {
      const c = await userWithRole(t, role);
      expect((await c.inject({ method: "GET", url: "/api/audit" })).statusCode).toBe(403);
    }
    const manager = await userWithRole(t, "MANAGER");
    expect((await manager.inject({ method: "GET", url: "/api/audit" })).statusCode).toBe(200);
  });

  it("keeps one unbroken chain under concurrent writes", async () => {
    await createUsers(12);
    const v = (await observer.inject({ method: "GET", url: "/api/audit/verify" })).json<AuditVerification>();
    expect(v).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect(v.checked).toBe(await t.db.prisma.auditEntry.count());
  });

  it("reports the first altered entry, then the first entry after a removed one", async () => {
    await createUsers(4);
    const rows = await t.db.prisma.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { seq: true } });
    const victim = rows[Math.floor(rows.length / 2)]!.seq;
    await tamper(`UPDATE audit_entries SET actor_name = 'mallory' WHERE seq = ${victim}`);
    let v = (await observer.inject({ method: "GET", url: "/api/audit/verify" })).json<AuditVerification>();
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: victim.toString() });
    expect(v.reason).toMatch(/altered/);

    await tamper(`DELETE FROM audit_entries WHERE seq = ${victim}`);
    const next = rows[Math.floor(rows.length / 2) + 1]!.seq;
    v = (await observer.inject({ method: "GET", url: "/api/audit/verify" })).json<AuditVerification>();
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: next.toString() });
    expect(v.reason).toMatch(/link/);
  });
});
