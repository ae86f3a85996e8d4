import {
  AdvertFlags,
  applyScheduleTab,
  hourUsageAllows,
  isMandatory,
  openAddressSchedule,
  sendingPriorityOfAdvert,
  type Address,
  type Advertisement,
  type ForecastDraft,
  type ForecastVariant,
  type ForecastVariantChanges,
  type SendingPriority,
} from "@firebreak/domain";
import { distributionSites, pickAddress, sourceSiteOf, type Topology } from "./topology.js";

/**
 * The variants are pure transformations of the draft and the fleet's sender addresses; each
 * says what it changed so the console can apply the one it prefers.
 */

export interface VariantPlan {
  variant: ForecastVariant;
  advertisement: Advertisement;
  /** The fleet's addresses as this variant has them. */
  addresses: Address[];
  courierSiteCodes: string[];
  changes: ForecastVariantChanges;
  /** Equal keys = equal simulation inputs, so equal results. */
  key: string;
}

export interface VariantContext {
  topology: Topology;
  draft: ForecastDraft;
  courierThresholdKbps: number;
  /** Which DPs already hold which source version of the package, by server name. */
  dpStoredVersions?: Record<string, number>;
}

const fmtKbps = (k: number) => `${k.toLocaleString("en")} kbit/s`;

export function planVariant(variant: ForecastVariant, ctx: VariantContext): VariantPlan {
  const { draft, topology } = ctx;
  const fleetAddresses = topology.fleet.addresses;
  const draftCourier = [...new Set(draft.distribution.courierSiteCodes ?? [])].sort();
  let advertisement = draft.advertisement;
  let addresses: Address[] = fleetAddresses;
  let courierSiteCodes = draftCourier;
  const summary: string[] = [];
  const opened: string[] = [];

  switch (variant) {
    case "AS_DRAFTED":
      break;
    case "SLOW_LINK_CLEARED": {
      const a = draft.advertisement;
      if (!isMandatory(a))
        summary.push("The draft has no mandatory assignment, so the slow-link box does not apply; nothing changes.");
      else if (AdvertFlags.has(a.advertFlags, "ONSLOWNET"))
        summary.push("The draft already forces the program over slow links (ONSLOWNET set); nothing changes.");
      else {
        advertisement = { ...a, advertFlags: applyScheduleTab(a.advertFlags, { notMandatoryOverSlowLinks: false }) };
        summary.push('Clear "Assignments are not mandatory over slow links" (set ONSLOWNET).');
      }
      break;
    }
    case "SENDERS_UNRESTRICTED": {
      const priorities: SendingPriority[] = [
        draft.package.sendingPriority,
        sendingPriorityOfAdvert[draft.advertisement.priority],
      ];
      const restricted = (a: Address) =>
        a.rateLimit.mode !== "UNLIMITED" ||
        a.usageSchedule.some((day) => day.some((u) => priorities.some((p) => !hourUsageAllows(u, p))));
      // The addresses the package and the advertisement would use on each hop down the tree.
      const used = new Set<string>();
      topology.parent.forEach((p, s) => {
        if (p < 0) return;
        const from = topology.siteCodes[p] as string;
        const to = topology.siteCodes[s] as string;
        for (const pref of [draft.package.preferredSender, "NO_PREFERENCE"] as const) {
          const a = pickAddress(fleetAddresses, from, to, pref);
          if (a) used.add(a.addressId);
        }
      });
      addresses = fleetAddresses.map((a) => {
        if (!used.has(a.addressId) || !restricted(a)) return a;
        opened.push(a.addressId);
        summary.push(
          `Open sender address ${a.addressId} (${a.siteCode} → ${a.destSiteCode}) to all priorities around the clock, with no rate limit.`,
        );
        return { ...a, usageSchedule: openAddressSchedule(), rateLimit: { mode: "UNLIMITED" as const } };
      });
      if (opened.length === 0)
        summary.push("Every sender address on the way is already open with no rate limit; nothing changes.");
      break;
    }
    case "COURIER_FOR_THIN_LINKS": {
      const pkg = draft.package;
      if (pkg.preferredSender === "COURIER") {
        summary.push("The package already goes everywhere by Courier Sender; nothing changes.");
        break;
      }
      const needs = distributionSites(topology, pkg, draft.distribution.siteCodes);
      const source = sourceSiteOf(topology, pkg);
      const courier = new Set(draftCourier);
      topology.parent.forEach((p, s) => {
        if (p < 0 || s === source || !needs[s]) return;
        const code = topology.siteCodes[s] as string;
        if (courier.has(code)) return;
        // A site whose DPs all hold the current version needs no parcel.
        const dps = topology.dps[s] ?? [];
        if (dps.length > 0 && dps.every((d) => (ctx.dpStoredVersions?.[d.serverName] ?? 0) >= pkg.sourceVersion))
          return;
        const a = pickAddress(fleetAddresses, topology.siteCodes[p] as string, code, pkg.preferredSender);
        const kbps = a?.bandwidthKbps ?? 0;
        if (kbps >= ctx.courierThresholdKbps) return;
        courier.add(code);
        summary.push(
          a
            ? `Send the package to ${code} by Courier Sender parcel: its link is ${fmtKbps(kbps)}, below ${fmtKbps(ctx.courierThresholdKbps)}.`
            : `Send the package to ${code} by Courier Sender parcel: no sender address leads there.`,
        );
      });
      courierSiteCodes = [...courier].sort();
      if (summary.length === 0)
        summary.push(`No site's link is slower than ${fmtKbps(ctx.courierThresholdKbps)}; nothing changes.`);
      break;
    }
  }

  opened.sort();
  const key = JSON.stringify([advertisement.advertFlags, opened, courierSiteCodes]);
  return {
    variant,
    advertisement,
    addresses,
    courierSiteCodes,
    changes: {
      summary,
      advertFlags: advertisement.advertFlags >>> 0,
      openedAddressIds: opened,
      courierSiteCodes,
    },
    key,
  };
}
