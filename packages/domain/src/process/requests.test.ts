import { describe, expect, it } from "vitest";
import {
  ApplyChecklistBodySchema,
  ConfirmPriorityBodySchema,
  DeclareEmergencyBodySchema,
  GrantAuthorityBodySchema,
  RecordTestResultBodySchema,
  SubmitRfcBodySchema,
  UpdateOobTaskBodySchema,
  VerifySourceBodySchema,
} from "./requests.js";
import { TimelineEventInputSchema, TimelineEventSchema } from "./timeline.js";

const first = (r: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) => {
  const i = r.error?.issues[0];
  return i ? `${i.path.join(".")}: ${i.message}` : null;
};

describe("request bodies speak to the user", () => {
  it("SubmitRfc", () => {
    expect(
      SubmitRfcBodySchema.safeParse({ initialPriority: "EMERGENCY", category: "MAJOR", rationale: "Worm in the wild" })
        .success,
    ).toBe(true);
    expect(
      first(
        SubmitRfcBodySchema.safeParse({ initialPriority: "URGENT", category: "MAJOR", rationale: "Worm in the wild" }),
      ),
    ).toBe("initialPriority: Choose a release priority: Emergency, High, Medium or Low");
    expect(
      first(SubmitRfcBodySchema.safeParse({ initialPriority: "HIGH", category: "MAJOR", rationale: "soon" })),
    ).toBe("rationale: Explain the initial priority (at least 10 characters)");
  });

  it("ConfirmPriority wants the whole rationale", () => {
    expect(
      first(
        ConfirmPriorityBodySchema.safeParse({
          finalPriority: "HIGH",
          rationale: { assetsExposed: "DCs", mitigations: "none", scope: "all" },
        }),
      ),
    ).toBe("rationale.exploitedInTheWild: Say whether the vulnerability is exploited in the wild");
  });

  it("VerifySource checks the hash length for its algorithm", () => {
    expect(
      VerifySourceBodySchema.parse({
        hash: "A".repeat(40),
        hashAlgorithm: "SHA1",
        checks: { genuine: true, virusFree: true, installsCleanly: true },
      }).hash,
    ).toBe("a".repeat(40));
    expect(
      first(
        VerifySourceBodySchema.safeParse({
          hash: "xyz",
          checks: { genuine: true, virusFree: true, installsCleanly: true },
        }),
      ),
    ).toBe("hash: A hash is hexadecimal digits");
  });

  it("RecordTestResult: a skip needs a reason", () => {
    expect(first(RecordTestResultBodySchema.safeParse({ result: "SKIPPED" }))).toBe(
      "skipReason: Say why the test is skipped",
    );
    expect(first(RecordTestResultBodySchema.safeParse({ result: "PENDING" }))).toBe(
      "result: Choose passed, failed or skipped",
    );
  });

  it("UpdateOobTask: evidence for DONE, a note for FAILED and NOT_NEEDED", () => {
    expect(first(UpdateOobTaskBodySchema.safeParse({ to: "DONE" }))).toBe(
      "evidence: Describe the evidence that the task is done",
    );
    expect(first(UpdateOobTaskBodySchema.safeParse({ to: "FAILED" }))).toBe("note: Say why the task failed");
    expect(UpdateOobTaskBodySchema.safeParse({ to: "DONE", evidence: "Installed from CD in Leeds" }).success).toBe(
      true,
    );
  });

  it("DeclareEmergency and GrantAuthority", () => {
    expect(DeclareEmergencyBodySchema.parse({ type: "WORM_OUTBREAK", title: "Sasser" })).toEqual({
      type: "WORM_OUTBREAK",
      title: "Sasser",
      caseIds: [],
      isDrill: false,
    });
    expect(first(DeclareEmergencyBodySchema.safeParse({ type: "FIRE", title: "Sasser" }))).toBe(
      "type: Choose the kind of emergency",
    );
    const grant = {
      granteeId: "0b7c3f4e-8f1a-4c1e-9a53-2a8d0f6b1c2d",
      justification: "Lead is on a plane for ten hours",
      durationHours: 12,
    };
    expect(GrantAuthorityBodySchema.safeParse(grant).success).toBe(true);
    expect(first(GrantAuthorityBodySchema.safeParse({ ...grant, durationHours: 96 }))).toBe(
      "durationHours: A grant lasts at most 72 hours",
    );
  });

  it("ApplyChecklist: known keys, each declined once, with a reason", () => {
    expect(ApplyChecklistBodySchema.parse({})).toEqual({ declined: [] });
    expect(first(ApplyChecklistBodySchema.safeParse({ declined: [{ key: "NOPE", reason: "because" }] }))).toBe(
      "declined.0.key: Unknown checklist item",
    );
    expect(first(ApplyChecklistBodySchema.safeParse({ declined: [{ key: "RELAX_SENDERS", reason: "" }] }))).toBe(
      "declined.0.reason: Say why this item is declined (at least 5 characters)",
    );
    const twice = {
      declined: [
        { key: "RELAX_SENDERS", reason: "WAN change freeze" },
        { key: "RELAX_SENDERS", reason: "again and again" },
      ],
    };
    expect(first(ApplyChecklistBodySchema.safeParse(twice))).toBe("declined: Decline each item once");
  });
});

describe("timeline events", () => {
  it("are typed by their kind", () => {
    const e = {
      type: "HALTED",
      at: "2026-03-10T12:00:00Z",
      actorId: null,
      summary: "Halted by rule",
      payload: { reason: "12 % failed", alsoDisableAdvertisement: false, automaticRule: "fail-10pct" },
    };
    expect(TimelineEventInputSchema.safeParse(e).success).toBe(true);
    expect(TimelineEventInputSchema.safeParse({ ...e, payload: { text: "hello" } }).success).toBe(false);
    expect(TimelineEventSchema.safeParse({ ...e, id: "ev-1" }).success).toBe(true);
    expect(
      TimelineEventInputSchema.safeParse({
        type: "NOTE",
        at: "2026-03-10T12:00:00Z",
        actorId: "u",
        summary: "Note",
        payload: { text: "Call the Leeds office" },
      }).success,
    ).toBe(true);
  });
});
