import { expect } from "vitest";
import type { CaseDetail, FleetImport } from "@firebreak/domain";
import { userWithRole, type Client, type TestApp } from "../../../test/helpers.js";
import { advertisementBody, packageBody, programBody, smallFleet } from "../../../test/fleet-fixture.js";
import { HASH, sasserUpdate } from "../../../test/process-fixture.js";

/**
 * Test support for the war-room tests: the small fleet with the CEN → BRN address restricted
 * (business-hours schedule, pulse rate limit) and the site server CEN-SMS01 in the target
 * collection, its package, program and advertisement, and an Emergency case in READY.
 */

const restrictedSchedule = () =>
  Array.from({ length: 7 }, () => Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : 1) as 1 | 2));

export const RESTRICTED_RATE = { mode: "PULSE", blockSizeKB: 8, delaySeconds: 5 } as const;

export const emergencyFleet: FleetImport = {
  ...smallFleet,
  senderAddresses: smallFleet.senderAddresses!.map((a) => ({
    ...a,
    usageSchedule: restrictedSchedule(),
    rateLimit: RESTRICTED_RATE,
  })),
  collections: smallFleet.collections!.map((c) => ({ ...c, memberResourceIds: [1001, 1002, 1003, 1004] })),
};

export async function act(client: Client, c: CaseDetail, action: Record<string, unknown>): Promise<CaseDetail> {
  const res = await client.inject({
    method: "POST",
    url: `/api/cases/${c.id}/actions`,
    payload: action,
    headers: { "if-match": `W/"${c.version}"` },
  });
  expect(res.statusCode, `${String(action.type)}: ${res.body}`).toBe(200);
  return res.json<CaseDetail>();
}

type User = Client & { userId: string; username: string };

export interface Scenario {
  lead: User;
  member: User;
  smsAdmin: User;
  observer: User;
  readyCase: CaseDetail;
}

/** Users by role, the fleet and its release objects, and an Emergency case taken to READY. */
export async function buildScenario(t: TestApp): Promise<Scenario> {
  const lead = await userWithRole(t, "ERT_LEAD");
  const member = await userWithRole(t, "ERT_MEMBER");
  const smsAdmin = await userWithRole(t, "SMS_ADMIN");
  const observer = await userWithRole(t, "OBSERVER");

  for (const [url, payload] of [
    ["/api/fleets/production/import", emergencyFleet],
    ["/api/fleets/production/packages", packageBody],
    [`/api/fleets/production/packages/${packageBody.packageId}/programs`, programBody],
    ["/api/fleets/production/advertisements", advertisementBody],
  ] as const) {
    const res = await smsAdmin.inject({ method: "POST", url, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
  }

  const update = await member.inject({ method: "POST", url: "/api/updates", payload: sasserUpdate });
  expect(update.statusCode, update.body).toBe(201);
  const opened = await member.inject({ method: "POST", url: "/api/cases", payload: { updateId: update.json().id } });
  expect(opened.statusCode, opened.body).toBe(201);
  let c = opened.json<CaseDetail>();
  c = await act(member, c, { type: "markRelevant", evidence: "Every XP and 2000 machine runs LSASS" });
  c = await act(member, c, {
    type: "verifySource",
    hash: HASH,
    checks: { genuine: true, virusFree: true, installsCleanly: true },
  });
  c = await act(member, c, {
    type: "submitRfc",
    initialPriority: "EMERGENCY",
    category: "MAJOR",
    rationale: "Sasser is spreading in the wild",
  });
  c = await act(member, c, { type: "startEvaluation" });
  c = await act(lead, c, {
    type: "confirmPriority",
    finalPriority: "EMERGENCY",
    rationale: {
      assetsExposed: "All XP and 2000 workstations",
      mitigations: "none",
      scope: "all workstations",
      exploitedInTheWild: true,
    },
  });
  c = await act(member, c, { type: "plan" });
  c = await act(smsAdmin, c, { type: "build", packageId: packageBody.packageId });
  const withTest = await member.inject({
    method: "POST",
    url: `/api/cases/${c.id}/tests`,
    payload: { name: "Logon and file shares work", scope: "CORE" },
  });
  expect(withTest.statusCode, withTest.body).toBe(201);
  c = await act(smsAdmin, withTest.json<CaseDetail>(), { type: "startTesting", packageId: packageBody.packageId });
  const test = c.tests[0]!;
  const passed = await member.inject({
    method: "POST",
    url: `/api/cases/${c.id}/tests/${test.id}/result`,
    payload: { result: "PASSED" },
    headers: { "if-match": `W/"${test.version}"` },
  });
  expect(passed.statusCode, passed.body).toBe(200);
  c = await act(member, passed.json<CaseDetail>(), { type: "acceptRelease" });
  expect(c.status).toBe("READY");
  return { lead, member, smsAdmin, observer, readyCase: c };
}

/** A deadline a few minutes away: the dial-up laptop cannot download the package before it. */
export const closeDeadline = () => new Date(Date.now() + 2 * 60_000).toISOString();
