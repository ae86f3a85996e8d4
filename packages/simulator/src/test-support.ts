import { openAddressSchedule, type Address, type Collection, type RateLimit, type HourUsage } from "@firebreak/domain";
import type { FleetDescription, PowerProfile, SimComputer } from "./fleet.js";
import type { SimBatch } from "./engine.js";

/**
 * Small hand-built fleets for rule tests: a central site CEN and one secondary SLO joined by one
 * address whose link, schedule and rate limit the test chooses. Not exported from the package.
 */

export const T0 = Date.parse("2026-03-10T06:00:00.000Z"); // a Tuesday
export const HOUR = 3_600_000;

export interface TinyFleetOptions {
  linkKbps?: number;
  schedule?: HourUsage[][];
  rateLimit?: RateLimit;
  /** Desktops at SLO on its LAN. */
  sloDesktops?: number;
  /** Dial-up laptops homed at CEN. */
  dialUps?: number;
  /** Desktops at CEN on its LAN. */
  cenDesktops?: number;
  power?: PowerProfile;
  dialUpPower?: PowerProfile;
}

export function tinyFleet(o: TinyFleetOptions = {}): FleetDescription {
  const address: Address = {
    addressId: "CEN>SLO",
    siteCode: "CEN",
    destSiteCode: "SLO",
    addressType: "MS_LAN",
    priorityOrder: 1,
    usageSchedule: o.schedule ?? openAddressSchedule(),
    unavailableAsSubstitute: false,
    rateLimit: o.rateLimit ?? { mode: "UNLIMITED" },
    bandwidthKbps: o.linkKbps ?? 2048,
  };
  const computers: SimComputer[] = [];
  let id = 1000;
  const add = (
    name: string,
    siteCode: string,
    boundaryId: string,
    profile: SimComputer["connectionProfile"],
    power: PowerProfile,
    isLaptop = false,
  ) =>
    computers.push({
      resourceId: ++id,
      name,
      siteCode,
      os: "Microsoft Windows XP Professional",
      servicePack: "Service Pack 1",
      clientType: "ADVANCED",
      isLaptop,
      connectionProfile: profile,
      boundaryId,
      isPatchInfrastructure: false,
      lastSeenAt: null,
      power: { profile: power },
    });
  for (let k = 0; k < (o.sloDesktops ?? 20); k++)
    add(`SLO-WS${String(k).padStart(5, "0")}`, "SLO", "SLO-LAN", "LAN", o.power ?? "ALWAYS_ON");
  for (let k = 0; k < (o.cenDesktops ?? 20); k++)
    add(`CEN-WS${String(k).padStart(5, "0")}`, "CEN", "CEN-LAN", "LAN", o.power ?? "ALWAYS_ON");
  for (let k = 0; k < (o.dialUps ?? 0); k++)
    add(`CEN-LT${String(k).padStart(5, "0")}`, "CEN", "CEN-RAS", "DIALUP", o.dialUpPower ?? "ALWAYS_ON", true);
  const collections: Collection[] = [
    {
      collectionId: "CEN00010",
      name: "All workstations",
      parentCollectionId: null,
      rules: [],
      purpose: "TARGET",
      memberResourceIds: computers.map((c) => c.resourceId),
    },
  ];
  return {
    sites: [
      { siteCode: "CEN", name: "Central", type: "CENTRAL", parentSiteCode: null, utcOffsetMinutes: 0 },
      { siteCode: "SLO", name: "Slow secondary", type: "SECONDARY", parentSiteCode: "CEN", utcOffsetMinutes: 0 },
    ],
    siteSystems: [
      { serverName: "CENSMS01", siteCode: "CEN", roles: ["SITE_SERVER", "DP", "MP"] },
      { serverName: "SLOSMS01", siteCode: "SLO", roles: ["SITE_SERVER", "DP", "PROXY_MP"] },
    ],
    boundaries: [
      { boundaryId: "CEN-LAN", siteCode: "CEN", kind: "IP_SUBNET", value: "10.1.0.0/16", connection: "LOCAL_FAST" },
      {
        boundaryId: "CEN-RAS",
        siteCode: "CEN",
        kind: "IP_RANGE",
        value: "192.168.1.1-192.168.1.254",
        connection: "REMOTE_SLOW",
      },
      { boundaryId: "SLO-LAN", siteCode: "SLO", kind: "IP_SUBNET", value: "10.2.0.0/16", connection: "LOCAL_FAST" },
    ],
    addresses: [address],
    computers,
    collections,
  };
}

/** Concatenates batches into one (for comparing runs). */
export function concat(batches: readonly SimBatch[]): Pick<SimBatch, "statusMessages" | "compliance" | "dpStatus"> {
  return {
    statusMessages: batches.flatMap((b) => b.statusMessages),
    compliance: batches.flatMap((b) => b.compliance),
    dpStatus: batches.flatMap((b) => b.dpStatus),
  };
}
