// The synthetic fleet and release the API benchmarks arrange through the API (bench.ts and
// halt-rule-probe.ts): five sites under CEN, one DP each, open LAN addresses, `computers`
// workstations from resource id 100,000, collection CEN00001 of all of them, package CEN00100 with
// program "Install" and a mandatory advertisement CEN20001, and an ingest token for every site.
import { AdvertFlags, DEFAULT_PROGRAM_FLAGS, DEFAULT_REMOTE_CLIENT_FLAGS, type FleetImport } from "@firebreak/domain";

export const SYNTHETIC_SITES = ["CEN", "P01", "P02", "P03", "P04"];
export const SYNTHETIC_ADVERTISEMENT_ID = "CEN20001";

const open = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 1 as const));

/** Workstation `i`: its resource id, name and site (what a status message names). */
export const syntheticMachine = (i: number) => ({
  resourceId: 100_000 + i,
  name: `WS${String(i).padStart(6, "0")}`,
  siteCode: SYNTHETIC_SITES[i % SYNTHETIC_SITES.length]!,
});

export function syntheticFleet(from: number, to: number): FleetImport {
  const computers = [];
  for (let i = from; i < to; i++) {
    computers.push({
      ...syntheticMachine(i),
      os: "Windows XP",
      clientType: "ADVANCED" as const,
      isLaptop: i % 7 === 0,
      connectionProfile: (i % 50 === 0 ? "DIALUP" : i % 9 === 0 ? "WAN" : "LAN") as "LAN",
      boundaryId: null,
      isPatchInfrastructure: false,
      lastSeenAt: null,
    });
  }
  return { computers };
}

type Api = (method: "POST", url: string, body: object) => Promise<unknown>;

/** Imports the fleet and creates the release; answers the ingest token. */
export async function arrangeSyntheticRelease(api: Api, computers: number, name: string): Promise<string> {
  const sites = SYNTHETIC_SITES;
  await api("POST", "/api/fleets/production/import", {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null },
      ...sites.slice(1).map((s) => ({ siteCode: s, name: s, type: "PRIMARY", parentSiteCode: "CEN" })),
    ],
    siteSystems: sites.map((s) => ({ serverName: `${s}-DP01`, siteCode: s, roles: ["DP"] })),
    senderAddresses: sites.slice(1).map((s) => ({
      addressId: `CEN-${s}`,
      siteCode: "CEN",
      destSiteCode: s,
      addressType: "MS_LAN",
      priorityOrder: 1,
      usageSchedule: open(),
      unavailableAsSubstitute: false,
      rateLimit: { mode: "UNLIMITED" },
      bandwidthKbps: 2048,
    })),
  });
  for (let i = 0; i < computers; i += 20_000)
    await api("POST", "/api/fleets/production/import", syntheticFleet(i, Math.min(computers, i + 20_000)));
  await api("POST", "/api/fleets/production/import", {
    collections: [
      {
        collectionId: "CEN00001",
        name: "All",
        parentCollectionId: null,
        rules: [],
        purpose: "TARGET",
        memberResourceIds: Array.from({ length: computers }, (_, i) => 100_000 + i),
      },
    ],
  });
  await api("POST", "/api/fleets/production/packages", {
    packageId: "CEN00100",
    name,
    sourceVersion: 1,
    sizeKB: 5000,
    sendingPriority: "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: false,
    kind: "DEPLOY",
    updateIds: ["KB000001"],
  });
  await api("POST", "/api/fleets/production/packages/CEN00100/programs", {
    packageId: "CEN00100",
    programName: "Install",
    commandLine: "x.exe /quiet",
    programFlags: DEFAULT_PROGRAM_FLAGS,
    maxRunMinutes: 30,
    kind: "INSTALL",
    checksUpdatePresent: false,
  });
  await api("POST", "/api/fleets/production/advertisements", {
    advertisementId: SYNTHETIC_ADVERTISEMENT_ID,
    advertisementName: name,
    packageId: "CEN00100",
    programName: "Install",
    collectionId: "CEN00001",
    includeSubCollection: true,
    presentTime: "2026-11-20T08:00:00.000Z",
    expirationTime: null,
    assignedSchedule: [{ startTime: "2026-11-20T08:00:00.000Z" }],
    assignedScheduleEnabled: true,
    advertFlags: AdvertFlags.fromNames(["ONSLOWNET"]),
    remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
    priority: 1,
  });
  const { token } = (await api("POST", "/api/fleets/production/ingest-tokens", {
    name: name.toLowerCase(),
    siteCodes: sites,
  })) as { token: string };
  return token;
}
