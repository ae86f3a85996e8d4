import type { Address, Boundary, Collection, Computer, ConnectionProfile, Site, SiteSystem } from "@firebreak/domain";

/**
 * The fleet the engine plays: plain SMS-model objects from `@firebreak/domain`, optionally
 * annotated with the few behavioural inputs SMS does not store (power pattern, link speeds).
 * The presets generate one; the API can build one from the real hierarchy in the database.
 */

/** When a machine is on and on the corporate network. */
export const POWER_PROFILES = [
  "ALWAYS_ON",
  "OFFICE_HOURS",
  "LAPTOP_OFFICE",
  "VPN_SESSIONS",
  "DIALUP_SESSIONS",
] as const;
export type PowerProfile = (typeof POWER_PROFILES)[number];

export interface SimPower {
  profile: PowerProfile;
  /** Switched off (or away) until this instant, e.g. a laptop on holiday. */
  offUntil?: string | null;
}

export interface SimComputer extends Computer {
  /** Where the machine is now; a roaming laptop sits in another site's boundary. Defaults to `boundaryId`. */
  currentBoundaryId?: string | null;
  /** The client's own link for downloads, kbit/s; defaults by connection profile. */
  linkKbps?: number;
  /** Defaults from `isLaptop`, `connectionProfile` and `isPatchInfrastructure`. */
  power?: SimPower;
  /**
   * How many computers this one stands for on shared links (default 1): its download keeps a
   * DP's capacity or a branch link busy that many times as long. A forecast that simulates a
   * sample of the fleet sets it so the queues stay as long as with every computer.
   */
  represents?: number;
}

export interface SimSiteSystem extends SiteSystem {
  /** Network capacity a DP shares among the clients downloading from it, kbit/s. */
  capacityKbps?: number;
  /** A branch DP is fed from its site server over this WAN link, kbit/s; absent = on the site LAN. */
  contentLinkKbps?: number;
}

export interface FleetDescription {
  sites: Site[];
  siteSystems: SimSiteSystem[];
  boundaries: Boundary[];
  addresses: Address[];
  computers: SimComputer[];
  collections: Collection[];
}

/** Default client download rates by connection profile, kbit/s (2004-era figures). */
export const DEFAULT_CLIENT_LINK_KBPS: Record<ConnectionProfile, number> = {
  LAN: 100_000,
  WAN: 512,
  VPN: 768,
  // A 56k modem rarely beats ~48 kbit/s of payload.
  DIALUP: 48,
};

export function defaultPowerProfile(
  c: Pick<Computer, "isLaptop" | "connectionProfile" | "isPatchInfrastructure" | "os">,
): PowerProfile {
  if (c.isPatchInfrastructure || /server/i.test(c.os)) return "ALWAYS_ON";
  if (c.connectionProfile === "DIALUP") return "DIALUP_SESSIONS";
  if (c.connectionProfile === "VPN") return "VPN_SESSIONS";
  return c.isLaptop ? "LAPTOP_OFFICE" : "OFFICE_HOURS";
}

export interface FleetSummary {
  sites: Record<Site["type"], number>;
  computers: number;
  workstations: number;
  infrastructureServers: number;
  byConnectionProfile: Record<ConnectionProfile, number>;
  legacyClients: number;
  laptops: number;
  roaming: number;
  offAtStart: number;
  distributionPoints: number;
  addresses: number;
}

export function summarizeFleet(fleet: FleetDescription, at?: number): FleetSummary {
  const byConnectionProfile: Record<ConnectionProfile, number> = { LAN: 0, WAN: 0, VPN: 0, DIALUP: 0 };
  const sites: Record<Site["type"], number> = { CENTRAL: 0, PRIMARY: 0, SECONDARY: 0 };
  for (const s of fleet.sites) sites[s.type]++;
  let workstations = 0;
  let infra = 0;
  let legacy = 0;
  let laptops = 0;
  let roaming = 0;
  let off = 0;
  for (const c of fleet.computers) {
    byConnectionProfile[c.connectionProfile]++;
    if (c.isPatchInfrastructure) infra++;
    else if (!/server/i.test(c.os)) workstations++;
    if (c.clientType === "LEGACY") legacy++;
    if (c.isLaptop) laptops++;
    if (c.currentBoundaryId && c.currentBoundaryId !== c.boundaryId) roaming++;
    if (at !== undefined && c.power?.offUntil && Date.parse(c.power.offUntil) > at) off++;
  }
  return {
    sites,
    computers: fleet.computers.length,
    workstations,
    infrastructureServers: infra,
    byConnectionProfile,
    legacyClients: legacy,
    laptops,
    roaming,
    offAtStart: off,
    distributionPoints: fleet.siteSystems.filter((s) => s.roles.includes("DP")).length,
    addresses: fleet.addresses.length,
  };
}
