import { expect } from "vitest";
import { AdvertFlags, DEFAULT_PROGRAM_FLAGS, DEFAULT_REMOTE_CLIENT_FLAGS, type FleetImport } from "@firebreak/domain";
import type { Client } from "./helpers.js";

const open = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 1 as const));

/** A small hierarchy: central CEN, primary BRN with a slow link, one DP each, a few computers. */
export const smallFleet: FleetImport = {
  sites: [
    { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
    { siteCode: "BRN", name: "Branch", type: "PRIMARY", parentSiteCode: "CEN" },
  ],
  siteSystems: [
    { serverName: "CEN-SMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP", "MP"] },
    { serverName: "BRN-DP01", siteCode: "BRN", roles: ["DP"] },
  ],
  boundaries: [
    { boundaryId: "B-CEN", siteCode: "CEN", kind: "IP_SUBNET", value: "10.1.0.0/16", connection: "LOCAL_FAST" },
  ],
  senderAddresses: [
    {
      addressId: "CEN-BRN-LAN",
      siteCode: "CEN",
      destSiteCode: "BRN",
      addressType: "MS_LAN",
      priorityOrder: 1,
      usageSchedule: open(),
      unavailableAsSubstitute: false,
      rateLimit: { mode: "UNLIMITED" },
      bandwidthKbps: 512,
    },
  ],
  computers: [
    {
      resourceId: 1001,
      name: "CEN-WS001",
      siteCode: "CEN",
      os: "Windows XP",
      clientType: "ADVANCED",
      isLaptop: false,
      connectionProfile: "LAN",
      boundaryId: "B-CEN",
      isPatchInfrastructure: false,
      lastSeenAt: null,
    },
    {
      resourceId: 1002,
      name: "CEN-WS002",
      siteCode: "CEN",
      os: "Windows XP",
      clientType: "ADVANCED",
      isLaptop: false,
      connectionProfile: "LAN",
      boundaryId: "B-CEN",
      isPatchInfrastructure: false,
      lastSeenAt: null,
    },
    {
      resourceId: 1003,
      name: "BRN-LT001",
      siteCode: "BRN",
      os: "Windows 2000",
      clientType: "ADVANCED",
      isLaptop: true,
      connectionProfile: "DIALUP",
      boundaryId: null,
      isPatchInfrastructure: false,
      lastSeenAt: null,
    },
    {
      resourceId: 1004,
      name: "CEN-SMS01",
      siteCode: "CEN",
      os: "Windows Server 2003",
      clientType: "ADVANCED",
      isLaptop: false,
      connectionProfile: "LAN",
      boundaryId: "B-CEN",
      isPatchInfrastructure: true,
      lastSeenAt: null,
    },
  ],
  collections: [
    {
      collectionId: "CEN00010",
      name: "All workstations",
      parentCollectionId: null,
      rules: [{ type: "QUERY", name: "workstations", query: "select * from SMS_R_System where ..." }],
      purpose: "TARGET",
      memberResourceIds: [1001, 1002, 1003],
    },
  ],
};

export const PRESENT = "2026-11-20T08:00:00.000Z";

export const packageBody = {
  packageId: "CEN00021",
  name: "MS03-026 RPC DCOM",
  sourceVersion: 1,
  sizeKB: 1300,
  sendingPriority: "HIGH",
  preferredSender: "NO_PREFERENCE",
  ignoreAddressSchedule: false,
  kind: "DEPLOY",
  updateIds: ["KB823980"],
} as const;

export const programBody = {
  packageId: "CEN00021",
  programName: "Install KB823980",
  commandLine: "WindowsXP-KB823980-x86-ENU.exe /quiet /norestart",
  programFlags: DEFAULT_PROGRAM_FLAGS,
  maxRunMinutes: 30,
  kind: "INSTALL",
  checksUpdatePresent: false,
} as const;

/** A mandatory advertisement as SMS creates it: the slow-link box checked (ONSLOWNET clear). */
export const advertisementBody = {
  advertisementId: "CEN2000A",
  advertisementName: "KB823980 to all workstations",
  packageId: "CEN00021",
  programName: "Install KB823980",
  collectionId: "CEN00010",
  includeSubCollection: true,
  presentTime: PRESENT,
  expirationTime: null,
  assignedSchedule: [{ startTime: PRESENT }],
  assignedScheduleEnabled: true,
  advertFlags: AdvertFlags.fromNames(["IMMEDIATE"]),
  remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
  priority: 2,
};

/** Imports the small fleet and builds package, program and advertisement through the API. */
export async function buildDistribution(smsAdmin: Client) {
  const imported = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/import", payload: smallFleet });
  expect(imported.statusCode, imported.body).toBe(200);
  const pkg = await smsAdmin.inject({ method: "POST", url: "/api/fleets/production/packages", payload: packageBody });
  expect(pkg.statusCode, pkg.body).toBe(201);
  const program = await smsAdmin.inject({
    method: "POST",
    url: `/api/fleets/production/packages/${packageBody.packageId}/programs`,
    payload: programBody,
  });
  expect(program.statusCode, program.body).toBe(201);
  const ad = await smsAdmin.inject({
    method: "POST",
    url: "/api/fleets/production/advertisements",
    payload: advertisementBody,
  });
  expect(ad.statusCode, ad.body).toBe(201);
  return ad.json();
}
