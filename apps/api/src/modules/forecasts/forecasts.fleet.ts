import type { Address, Boundary, Collection, SiteSystem } from "@firebreak/domain";
import { toStoredComputer, type FleetDescription } from "@firebreak/simulator";
import type {
  FleetAddressRow,
  FleetBoundaryRow,
  FleetCollectionRow,
  FleetComputerRow,
  FleetSiteRow,
  FleetSiteSystemRow,
} from "./forecasts.repository.js";

/**
 * From database rows to the simulator's FleetDescription (the forecast's picture of the real
 * hierarchy). The reductions — the power pattern from the stored `onlineRatio`, and what the
 * database does not hold (a client's own link rate, DP capacity, a roaming laptop's current
 * boundary, a temporary switch-off) left to the engine's defaults — live in the simulator
 * (`toStoredComputer`, packages/simulator/src/forecast/stored-fleet.ts), whose `toStoredFleet`
 * applies the same rules to a generated fleet so `pnpm bench` measures what they cost.
 */

export interface FleetRows {
  sites: FleetSiteRow[];
  siteSystems: FleetSiteSystemRow[];
  boundaries: FleetBoundaryRow[];
  addresses: FleetAddressRow[];
  computers: FleetComputerRow[];
  collections: FleetCollectionRow[];
  memberships: { collection_id: string; resource_id: number }[];
}

export function toFleetDescription(rows: FleetRows): FleetDescription {
  const members = new Map<string, number[]>();
  for (const m of rows.memberships) {
    const list = members.get(m.collection_id);
    if (list) list.push(m.resource_id);
    else members.set(m.collection_id, [m.resource_id]);
  }
  return {
    sites: rows.sites.map((s) => ({ ...s })),
    siteSystems: rows.siteSystems.map((s): SiteSystem => ({
      serverName: s.serverName,
      siteCode: s.siteCode,
      roles: s.roles as SiteSystem["roles"],
      bitsEnabled: s.bitsEnabled,
      ...(s.contentLinkKbps !== null ? { contentLinkKbps: s.contentLinkKbps } : {}),
      ...(s.capacityKbps !== null ? { capacityKbps: s.capacityKbps } : {}),
    })),
    boundaries: rows.boundaries.map((b): Boundary => ({
      boundaryId: b.boundaryId,
      siteCode: b.siteCode,
      kind: b.kind,
      value: b.value,
      connection: b.connection,
      protectedDpServerNames: b.protectedDpServerNames,
      ...(b.linkKbps !== null ? { linkKbps: b.linkKbps } : {}),
    })),
    addresses: rows.addresses.map((a): Address => ({
      addressId: a.addressId,
      siteCode: a.siteCode,
      destSiteCode: a.destSiteCode,
      addressType: a.addressType as Address["addressType"],
      priorityOrder: a.priorityOrder,
      usageSchedule: a.usageSchedule as Address["usageSchedule"],
      unavailableAsSubstitute: a.unavailableAsSubstitute,
      rateLimit: a.rateLimit as Address["rateLimit"],
      bandwidthKbps: a.bandwidthKbps,
    })),
    computers: rows.computers.map((c) =>
      toStoredComputer(
        {
          resourceId: c.resource_id,
          name: c.name,
          siteCode: c.site_code,
          os: c.os,
          servicePack: c.service_pack,
          clientType: c.client_type,
          isLaptop: c.is_laptop,
          connectionProfile: c.connection_profile,
          boundaryId: c.boundary_id,
          isPatchInfrastructure: c.is_patch_infrastructure,
          lastSeenAt: null,
        },
        c.online_ratio,
      ),
    ),
    collections: rows.collections.map((c): Collection => ({
      collectionId: c.collectionId,
      name: c.name,
      parentCollectionId: c.parentCollectionId,
      rules: [],
      purpose: c.purpose,
      memberResourceIds: members.get(c.collectionId) ?? [],
    })),
  };
}
