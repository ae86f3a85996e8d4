import { describe, expect, it } from "vitest";
import { AuthorityGrantSchema, grantIssueProblem, grantStatus, hasActiveGrant, isGrantActive } from "./authority.js";
import {
  declareEmergency,
  restoreTasksBlockingClose,
  transitionEmergency,
  type Emergency,
  type EmergencyContext,
} from "./emergency.js";
import { TimelineEventInputSchema } from "./timeline.js";

const NOW = "2026-03-10T12:00:00Z";
const LEAD = { userId: "lead", role: "ERT_LEAD" as const, hasActiveGrant: false };
const MEMBER = { userId: "member", role: "ERT_MEMBER" as const, hasActiveGrant: false };

describe("authority grants", () => {
  const grant = {
    granteeId: "member",
    grantedById: "lead",
    grantedByRole: "ERT_LEAD",
    justification: "Lead travelling; member runs the night shift of the war room",
    startsAt: "2026-03-10T08:00:00Z",
    expiresAt: "2026-03-10T20:00:00Z",
  };

  it("active from start (inclusive) to expiry (exclusive), unless revoked", () => {
    expect(grantStatus(grant, "2026-03-10T07:59:59Z")).toBe("PENDING");
    expect(isGrantActive(grant, "2026-03-10T08:00:00Z")).toBe(true);
    expect(isGrantActive(grant, "2026-03-10T19:59:59Z")).toBe(true);
    expect(grantStatus(grant, "2026-03-10T20:00:00Z")).toBe("EXPIRED");
    expect(grantStatus({ ...grant, revokedAt: "2026-03-10T10:00:00Z" }, "2026-03-10T11:00:00Z")).toBe("REVOKED");
    expect(grantStatus({ ...grant, revokedAt: "2026-03-10T10:00:00Z" }, "2026-03-10T09:00:00Z")).toBe("ACTIVE");
    expect(hasActiveGrant([grant], "member", NOW)).toBe(true);
    expect(hasActiveGrant([grant], "someone-else", NOW)).toBe(false);
  });

  it("granted by the ERT lead, with a justification, for at most 72 hours", () => {
    expect(AuthorityGrantSchema.safeParse(grant).success).toBe(true);
    const msgs = (x: unknown) => (AuthorityGrantSchema.safeParse(x).error?.issues ?? []).map((i) => i.message);
    expect(msgs({ ...grant, grantedByRole: "ERT_MEMBER" })).toEqual([
      "Only the ERT lead can grant emergency authority",
    ]);
    expect(msgs({ ...grant, justification: "because" })).toEqual([
      "Say why the authority is needed, in at least 20 characters",
    ]);
    expect(msgs({ ...grant, expiresAt: "2026-03-13T08:00:01Z" })).toEqual(["A grant lasts at most 72 hours"]);
    expect(msgs({ ...grant, expiresAt: "2026-03-13T08:00:00Z" })).toEqual([]);
    expect(msgs({ ...grant, expiresAt: grant.startsAt })).toEqual(["The grant must expire after it starts"]);
  });

  it("only the lead issues, and only to a member or SMS administrator", () => {
    expect(grantIssueProblem("ERT_LEAD", "ERT_MEMBER")).toBeNull();
    expect(grantIssueProblem("ERT_LEAD", "SMS_ADMIN")).toBeNull();
    expect(grantIssueProblem("ERT_MEMBER", "SMS_ADMIN")).toBe("Only the ERT lead can grant emergency authority.");
    expect(grantIssueProblem("ERT_LEAD", "OBSERVER")).toBe(
      "Emergency authority can go to an ERT member or an SMS administrator only.",
    );
  });
});

describe("emergencies", () => {
  const declared = (): Emergency => {
    const r = declareEmergency({ type: "WORM_OUTBREAK", title: "Sasser on the LAN" }, { now: NOW, actor: LEAD });
    if (!r.ok) throw new Error(r.reason);
    return r.emergency;
  };

  it("declaring needs authority and opens the timeline", () => {
    expect(
      declareEmergency({ type: "EMERGENCY_RELEASE", title: "MS04-011" }, { now: NOW, actor: MEMBER }),
    ).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const r = declareEmergency(
      { type: "EMERGENCY_RELEASE", title: "MS04-011", isDrill: true },
      { now: NOW, actor: { ...MEMBER, hasActiveGrant: true } },
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.emergency).toMatchObject({
        state: "DECLARED",
        declaredById: "member",
        declaredAt: "2026-03-10T12:00:00.000Z",
        isDrill: true,
      });
      expect(r.events[0]).toMatchObject({
        type: "EMERGENCY_DECLARED",
        summary: "Emergency release declared: MS04-011",
      });
      expect(TimelineEventInputSchema.safeParse(r.events[0]).success).toBe(true);
    }
  });

  it("DECLARED → ACTIVE → CLOSED", () => {
    const ctx: EmergencyContext = { now: NOW, actor: LEAD, restoreTasks: [] };
    const active = transitionEmergency(declared(), { type: "activate" }, ctx);
    expect(active).toMatchObject({ ok: true, next: { state: "ACTIVE", activatedAt: "2026-03-10T12:00:00.000Z" } });
    if (!active.ok) return;
    expect(transitionEmergency(active.next, { type: "activate" }, ctx)).toMatchObject({
      ok: false,
      reason: "The emergency is already active.",
    });
    const closed = transitionEmergency(
      active.next,
      { type: "close", summary: "All sites patched, senders restored." },
      ctx,
    );
    expect(closed).toMatchObject({
      ok: true,
      next: { state: "CLOSED", closingSummary: "All sites patched, senders restored." },
    });
    if (closed.ok)
      expect(
        transitionEmergency(closed.next, { type: "close", summary: "again and again and again" }, ctx),
      ).toMatchObject({ ok: false });
  });

  it("closing needs authority, a summary and every SENDER_RESTORE task done or declined with a reason", () => {
    const e = declared();
    const restore = (
      id: string,
      state: "OPEN" | "DONE" | "NOT_NEEDED" | "FAILED",
      outcomeNote: string | null = null,
    ) => ({
      kind: "SENDER_RESTORE" as const,
      state,
      targetRef: { type: "SENDER_ADDRESS" as const, id },
      outcomeNote,
    });
    const summary = "Worm contained, all sites patched.";
    expect(transitionEmergency(e, { type: "close", summary }, { now: NOW, actor: MEMBER })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
    });
    expect(transitionEmergency(e, { type: "close", summary: "done" }, { now: NOW, actor: LEAD })).toMatchObject({
      ok: false,
      reason: "Write a closing summary of at least 20 characters.",
    });
    const tasks = [
      restore("CEN-BR1", "DONE"),
      restore("CEN-BR2", "OPEN"),
      restore("CEN-BR3", "NOT_NEEDED", "Link replaced, new defaults"),
      restore("CEN-BR4", "NOT_NEEDED"),
      restore("CEN-BR5", "FAILED"),
    ];
    expect(restoreTasksBlockingClose(tasks)).toEqual([
      { addressId: "CEN-BR2", why: "open" },
      { addressId: "CEN-BR4", why: "declined without a reason" },
      { addressId: "CEN-BR5", why: "failed" },
    ]);
    const r = transitionEmergency(e, { type: "close", summary }, { now: NOW, actor: LEAD, restoreTasks: tasks });
    expect(r).toMatchObject({
      ok: false,
      code: "ILLEGAL_TRANSITION",
      reason:
        "Restore the relaxed sender addresses first (or decline each restore with a reason): CEN-BR2 (open), CEN-BR4 (declined without a reason), CEN-BR5 (failed).",
    });
    const ok = transitionEmergency(
      e,
      { type: "close", summary },
      { now: NOW, actor: { ...MEMBER, hasActiveGrant: true }, restoreTasks: [tasks[0]!, tasks[2]!] },
    );
    expect(ok.ok).toBe(true);
  });
});
