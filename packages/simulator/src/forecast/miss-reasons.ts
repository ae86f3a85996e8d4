import {
  AdvertFlags,
  KB_PER_SECOND_PER_KBPS,
  sendingPriorityOfAdvert,
  transferSeconds,
  type Address,
  type Advertisement,
  type ForecastMissReason,
  type Package,
} from "@firebreak/domain";
import type { ClientStage } from "../engine.js";
import type { SimComputer } from "../fleet.js";
import { currentBoundary, isSlowClient, pickAddress, sourceSiteOf, type Topology } from "./topology.js";

/**
 * Why a computer had not succeeded by the deadline, from the stage its simulated client was in
 * at that instant. Where the stage alone cannot tell (waiting for content, waiting for policy)
 * the package's and the advertisement's way down the site tree is worked out with the same
 * `transferSeconds` arithmetic the engine uses: with the variant's address schedules, and with
 * the schedules open — if only the open way arrives in time, the address was closed.
 */

const MIN = 60_000;
/** The forecast passes this to the engine (`siteProcessingMinutes`) so both agree. */
export const FORECAST_SITE_PROCESSING_MINUTES = 5;
const PROCESSING_MS = FORECAST_SITE_PROCESSING_MINUTES * MIN;
/** The engine's advertisement object size on the wire, KB. */
const ADVERT_OBJECT_KB = 4;

export interface Routes {
  /** When the package reaches each site's server, with the variant's schedules (+Infinity = never). */
  packageAt: Float64Array;
  /** The same with every address schedule open (rate limits kept). */
  packageAtOpen: Float64Array;
  /** 1 when a hop on the way to the site goes by Courier parcel. */
  courier: Uint8Array;
  /** 1 when no address leads to the site (or to a site above it on the way). */
  noRoute: Uint8Array;
  /** When the advertisement reaches each site (+Infinity = never or no address). */
  advertAt: Float64Array;
  advertNoRoute: Uint8Array;
  /** When the mandatory assignment is due (+Infinity = none). */
  mandatoryAt: number;
  /** 1 for the sites the distribution sends the package to (its DPs get it). */
  sentTo: Uint8Array;
}

export function planRoutes(o: {
  topology: Topology;
  pkg: Package;
  advertisement: Advertisement;
  addresses: readonly Address[];
  needs: Uint8Array;
  courierSiteCodes: readonly string[];
  startMs: number;
  /** The distribution's sites; all when undefined. */
  siteCodes?: readonly string[] | undefined;
}): Routes {
  const { topology: topo, pkg, advertisement: advert } = o;
  const ns = topo.siteCodes.length;
  const packageAt = new Float64Array(ns).fill(Number.POSITIVE_INFINITY);
  const packageAtOpen = new Float64Array(ns).fill(Number.POSITIVE_INFINITY);
  const courier = new Uint8Array(ns);
  const noRoute = new Uint8Array(ns);
  const courierSet = new Set(o.courierSiteCodes);
  const source = sourceSiteOf(topo, pkg);
  packageAt[source] = o.startMs + PROCESSING_MS;
  packageAtOpen[source] = o.startMs + PROCESSING_MS;
  const hop = (from: number, at: number, a: Address, schedule: Address["usageSchedule"] | null) =>
    at +
    transferSeconds(
      pkg.sizeKB,
      { bandwidthKbps: a.bandwidthKbps, utcOffsetMinutes: topo.offsetMin[from] as number },
      schedule,
      a.rateLimit,
      at,
      pkg.sendingPriority,
    ) *
      1000 +
    PROCESSING_MS;
  const walk = (s: number) => {
    for (const c of topo.children[s] ?? []) {
      if (!o.needs[c]) continue;
      courier[c] = courier[s] as number;
      noRoute[c] = noRoute[s] as number;
      const code = topo.siteCodes[c] as string;
      if (pkg.preferredSender === "COURIER" || courierSet.has(code)) courier[c] = 1;
      else {
        const a = pickAddress(o.addresses, topo.siteCodes[s] as string, code, pkg.preferredSender);
        if (!a) noRoute[c] = 1;
        else if (!courier[c] && !noRoute[c]) {
          const schedule = pkg.ignoreAddressSchedule ? null : a.usageSchedule;
          if (Number.isFinite(packageAt[s] as number)) packageAt[c] = hop(s, packageAt[s] as number, a, schedule);
          if (Number.isFinite(packageAtOpen[s] as number))
            packageAtOpen[c] = hop(s, packageAtOpen[s] as number, a, null);
        }
      }
      walk(c);
    }
  };
  walk(source);

  // The advertisement object replicates from its site of origin to every site below it.
  const advertAt = new Float64Array(ns).fill(Number.POSITIVE_INFINITY);
  const advertNoRoute = new Uint8Array(ns).fill(1);
  const origin = topo.siteIndex.get(advert.advertisementId.slice(0, 3)) ?? topo.roots[0] ?? 0;
  advertAt[origin] = o.startMs;
  advertNoRoute[origin] = 0;
  const priority = sendingPriorityOfAdvert[advert.priority];
  const walkAdvert = (s: number) => {
    for (const c of topo.children[s] ?? []) {
      const a = pickAddress(o.addresses, topo.siteCodes[s] as string, topo.siteCodes[c] as string, "NO_PREFERENCE");
      if (a) {
        advertNoRoute[c] = 0;
        const at = advertAt[s] as number;
        if (Number.isFinite(at)) {
          const secs = transferSeconds(
            ADVERT_OBJECT_KB,
            { bandwidthKbps: a.bandwidthKbps, utcOffsetMinutes: topo.offsetMin[s] as number },
            a.usageSchedule,
            a.rateLimit,
            at,
            priority,
          );
          advertAt[c] = at + secs * 1000 + PROCESSING_MS;
        }
        walkAdvert(c);
      }
    }
  };
  walkAdvert(origin);

  const af = AdvertFlags.decode(advert.advertFlags).flags;
  const presentMs = Date.parse(advert.presentTime);
  const assignments = advert.assignedScheduleEnabled ? advert.assignedSchedule.map((t) => Date.parse(t.startTime)) : [];
  const mandatoryAt =
    af.IMMEDIATE || af.ONUSERLOGON || af.ONUSERLOGOFF
      ? presentMs
      : assignments.length > 0
        ? Math.min(...assignments)
        : Number.POSITIVE_INFINITY;
  const sentTo = new Uint8Array(ns).fill(o.siteCodes ? 0 : 1);
  for (const code of o.siteCodes ?? []) {
    const s = topo.siteIndex.get(code);
    if (s !== undefined) sentTo[s] = 1;
  }
  return { packageAt, packageAtOpen, courier, noRoute, advertAt, advertNoRoute, mandatoryAt, sentTo };
}

/**
 * The reason a computer in `stage` at `deadline` has not succeeded; null if it has.
 * `online` says whether it was on at the deadline (asked only when it matters);
 * `runContentEndsAt` is when a client running the program from the DP has read the files over
 * the link (the engine's `runContentEndsAt`; NaN when it downloads first).
 */
export function missReason(
  topo: Topology,
  routes: Routes,
  pkg: Package,
  c: SimComputer,
  stage: ClientStage,
  deadline: number,
  online: () => boolean,
  runContentEndsAt = Number.NaN,
): ForecastMissReason | null {
  switch (stage) {
    case "SUCCEEDED":
      return null;
    case "NOT_FORCED_SLOW_LINK":
      return "NOT_FORCED_ON_SLOW_LINK";
    case "NO_LOCAL_DP":
      return "NO_LOCAL_DP";
    case "NOT_MANDATORY":
      return "NOT_MANDATORY";
    case "FAILED":
      return "PROGRAM_FAILED";
    case "HALTED":
      return "PROGRAM_DISABLED";
    case "EXPIRED":
      return "EXPIRED";
    case "NO_DP":
      return "NO_DP";
    case "RUNNING":
      // Running from the DP, still reading its files over the link: the link is what holds it up.
      return runContentEndsAt > deadline ? "LINK_TOO_SLOW" : "STILL_RUNNING";
    case "UNREACHABLE":
      return "MACHINE_OFF";
    case "AWAITING_POLICY":
    case "RECEIVED": {
      const site = topo.siteIndex.get(c.siteCode) ?? -1;
      if (routes.advertNoRoute[site]) return "NO_SENDER_ADDRESS";
      if ((routes.advertAt[site] as number) > deadline) return "ADDRESS_CLOSED";
      return online() ? "WAITING_FOR_POLICY" : "MACHINE_OFF";
    }
    case "SCHEDULED":
      if (routes.mandatoryAt > deadline) return "ASSIGNMENT_NOT_DUE";
      return online() ? "WAITING_FOR_POLICY" : "MACHINE_OFF";
    case "DOWNLOADING":
      return online() ? "LINK_TOO_SLOW" : "MACHINE_OFF";
    case "WAITING_CONTENT": {
      // A LAN client waits on its boundary's site; a slow-link client on its own site's DP.
      const b = currentBoundary(topo, c);
      const site = topo.siteIndex.get(!isSlowClient(topo, c) && b ? b.siteCode : c.siteCode) ?? -1;
      // The distribution does not send the package to that site: no DP there will ever hold it.
      if (!routes.sentTo[site]) return "NO_DP";
      if (routes.noRoute[site]) return "NO_SENDER_ADDRESS";
      if (routes.courier[site]) return "COURIER_IN_TRANSIT";
      const at = routes.packageAt[site] as number;
      if (at <= deadline) {
        // At the site in time: a branch DP behind a thin link is still copying, or the client has not looked again.
        const branch = b?.protectedDpServerNames
          ?.map((n) => topo.dpByName.get(n))
          .find((d) => d?.contentLinkKbps !== undefined);
        const copyMs = branch?.contentLinkKbps
          ? (pkg.sizeKB / (branch.contentLinkKbps * KB_PER_SECOND_PER_KBPS)) * 1000
          : 0;
        return at + copyMs > deadline ? "LINK_TOO_SLOW" : "WAITING_FOR_POLICY";
      }
      return (routes.packageAtOpen[site] as number) <= deadline ? "ADDRESS_CLOSED" : "LINK_TOO_SLOW";
    }
  }
}
