import type { Address, Boundary, Collection, Computer, Site } from "@firebreak/domain";
import {
  defaultPowerProfile,
  type FleetDescription,
  type PowerProfile,
  type SimComputer,
  type SimSiteSystem,
} from "../fleet.js";

/**
 * The fleet as Firebreak's database holds it, which is what an API forecast plays
 * (apps/api/src/modules/forecasts/forecasts.fleet.ts builds it from the rows and uses
 * `powerProfileFor` and `toStoredComputer` from here). SMS stores no power pattern; Firebreak
 * stores each computer's `onlineRatio`, the share of time it is on and connected (the simulator's
 * import writes it from the very power model the engine plays, `onlineRatios` in
 * client/mapping.ts), or null when the import did not measure it. The ratio picks the pattern:
 *
 * - unknown (null): the pattern of the machine's kind (`defaultPowerProfile`);
 * - at least ALWAYS_ON_RATIO: ALWAYS_ON (servers, desktops left on);
 * - otherwise the pattern of the machine's kind (office desktop, office laptop, VPN or dial-up
 *   sessions — `defaultPowerProfile`), unless the ratio is under half that pattern's typical share:
 *   then the pattern whose typical share is nearest, among the rarer ones (machines usually off).
 *
 * The database holds a DP's capacity and a branch DP's WAN content link (site_systems
 * capacity_kbps / content_link_kbps), so those travel. What it does not hold is left to the
 * engine's defaults: a client's own link rate (by connection profile), a roaming laptop's current
 * boundary and a temporary switch-off (a laptop on holiday) — the forecast plays each machine's
 * habits, not this week's exceptions. `toStoredFleet` applies the same reductions to a generated
 * fleet, so the benchmark can measure what they cost (src/bench.ts).
 */

export const ALWAYS_ON_RATIO = 0.75;

/** Typical on-line share of each pattern over four weeks (measured on the demo preset). */
export const TYPICAL_ONLINE_RATIO: Record<PowerProfile, number> = {
  ALWAYS_ON: 1,
  OFFICE_HOURS: 0.3,
  LAPTOP_OFFICE: 0.2,
  VPN_SESSIONS: 0.08,
  DIALUP_SESSIONS: 0.015,
};

export function powerProfileFor(
  c: Pick<SimComputer, "isLaptop" | "connectionProfile" | "isPatchInfrastructure" | "os">,
  onlineRatio: number | null,
): PowerProfile {
  // Not measured: the pattern of the machine's kind, never "always on" by default.
  if (onlineRatio === null) return defaultPowerProfile(c);
  if (onlineRatio >= ALWAYS_ON_RATIO) return "ALWAYS_ON";
  const kind = defaultPowerProfile(c);
  if (kind === "ALWAYS_ON" || onlineRatio >= TYPICAL_ONLINE_RATIO[kind] / 2) return kind;
  let best: PowerProfile = kind;
  for (const [p, typical] of Object.entries(TYPICAL_ONLINE_RATIO) as [PowerProfile, number][]) {
    if (typical > TYPICAL_ONLINE_RATIO[kind]) continue;
    if (Math.abs(typical - onlineRatio) < Math.abs(TYPICAL_ONLINE_RATIO[best] - onlineRatio)) best = p;
  }
  return best;
}

/**
 * A computer as the forecast reads it from the database: the SMS fields (without `lastSeenAt`,
 * which the engine does not play) and the power pattern its stored on-line share picks; no own
 * link rate, current boundary or temporary switch-off.
 */
export function toStoredComputer(c: Computer, onlineRatio: number | null): SimComputer {
  const computer: Computer = {
    resourceId: c.resourceId,
    name: c.name,
    siteCode: c.siteCode,
    os: c.os,
    servicePack: c.servicePack ?? null,
    clientType: c.clientType,
    isLaptop: c.isLaptop,
    connectionProfile: c.connectionProfile,
    boundaryId: c.boundaryId,
    isPatchInfrastructure: c.isPatchInfrastructure,
    lastSeenAt: null,
  };
  return { ...computer, power: { profile: powerProfileFor(computer, onlineRatio) } };
}

/**
 * A generated fleet reduced to what the database holds after the simulator's import
 * (client/play.ts `importFleet`): `onlineRatios[i]` is the share the import stores for
 * `fleet.computers[i]` (`onlineRatios` in client/mapping.ts), null for none. Column defaults as
 * the database applies them (UTC offset 0, BITS on, no protected DPs); DP capacity and content
 * links as imported; collections keep only
 * their evaluated members, as forecasts.fleet.ts reads them.
 */
export function toStoredFleet(
  fleet: FleetDescription,
  onlineRatios: ArrayLike<number | null> | null,
): FleetDescription {
  return {
    sites: fleet.sites.map((s): Site => ({
      siteCode: s.siteCode,
      name: s.name,
      type: s.type,
      parentSiteCode: s.parentSiteCode,
      utcOffsetMinutes: s.utcOffsetMinutes ?? 0,
    })),
    siteSystems: fleet.siteSystems.map((s): SimSiteSystem => ({
      serverName: s.serverName,
      siteCode: s.siteCode,
      roles: [...s.roles],
      bitsEnabled: s.bitsEnabled ?? true,
      ...(s.contentLinkKbps !== undefined ? { contentLinkKbps: s.contentLinkKbps } : {}),
      ...(s.capacityKbps !== undefined ? { capacityKbps: s.capacityKbps } : {}),
    })),
    boundaries: fleet.boundaries.map((b): Boundary => ({
      boundaryId: b.boundaryId,
      siteCode: b.siteCode,
      kind: b.kind,
      value: b.value,
      connection: b.connection,
      protectedDpServerNames: [...(b.protectedDpServerNames ?? [])],
      ...(b.linkKbps !== undefined ? { linkKbps: b.linkKbps } : {}),
    })),
    addresses: fleet.addresses.map((a): Address => ({ ...a })),
    computers: fleet.computers.map((c, i) => toStoredComputer(c, onlineRatios?.[i] ?? null)),
    collections: fleet.collections.map((c): Collection => ({
      collectionId: c.collectionId,
      name: c.name,
      parentCollectionId: c.parentCollectionId,
      rules: [],
      purpose: c.purpose,
      memberResourceIds: [...(c.memberResourceIds ?? [])],
    })),
  };
}
