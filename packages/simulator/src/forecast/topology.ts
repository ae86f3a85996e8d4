import {
  addressTypeForSender,
  type Address,
  type Boundary,
  type Package,
  type PreferredSender,
} from "@firebreak/domain";
import type { FleetDescription, SimComputer, SimSiteSystem } from "../fleet.js";

type SimComputerLike = Pick<SimComputer, "boundaryId" | "currentBoundaryId" | "connectionProfile">;

/**
 * Read-only indexes over a fleet that the forecast needs outside the engine: the site tree, who
 * holds a DP, which address a hop uses. The rules mirror the engine's (`pickAddress`,
 * `sourceSiteOf`, the "needs" marking of `distributePackage`, the slow-link test of the
 * constructor); they only classify and plan, the engine still plays every run.
 */

export interface Topology {
  readonly fleet: FleetDescription;
  readonly siteCodes: readonly string[];
  readonly siteIndex: ReadonlyMap<string, number>;
  /** Parent site index, -1 for a root. */
  readonly parent: Int32Array;
  readonly children: readonly (readonly number[])[];
  readonly roots: readonly number[];
  readonly offsetMin: Int32Array;
  /** DP site systems per site. */
  readonly dps: readonly (readonly SimSiteSystem[])[];
  readonly dpByName: ReadonlyMap<string, SimSiteSystem>;
  readonly boundaries: ReadonlyMap<string, Boundary>;
}

export function buildTopology(fleet: FleetDescription): Topology {
  const siteCodes = fleet.sites.map((s) => s.siteCode);
  const siteIndex = new Map(siteCodes.map((c, i) => [c, i]));
  const ns = siteCodes.length;
  const parent = new Int32Array(ns).fill(-1);
  const children: number[][] = Array.from({ length: ns }, () => []);
  const roots: number[] = [];
  const offsetMin = new Int32Array(ns);
  fleet.sites.forEach((s, i) => {
    offsetMin[i] = s.utcOffsetMinutes ?? 0;
    const p = s.parentSiteCode === null ? -1 : (siteIndex.get(s.parentSiteCode) ?? -1);
    parent[i] = p;
    if (p >= 0) children[p]?.push(i);
    else roots.push(i);
  });
  const dps: SimSiteSystem[][] = Array.from({ length: ns }, () => []);
  const dpByName = new Map<string, SimSiteSystem>();
  for (const sys of fleet.siteSystems) {
    const s = siteIndex.get(sys.siteCode);
    if (s === undefined || !sys.roles.includes("DP")) continue;
    dps[s]?.push(sys);
    dpByName.set(sys.serverName, sys);
  }
  const boundaries = new Map(fleet.boundaries.map((b) => [b.boundaryId, b]));
  return { fleet, siteCodes, siteIndex, parent, children, roots, offsetMin, dps, dpByName, boundaries };
}

/** The address a hop uses: the preferred sender's type if one leads there, else the first by priority order. */
export function pickAddress(
  addresses: readonly Address[],
  from: string,
  to: string,
  preferred: PreferredSender,
): Address | undefined {
  const list = addresses
    .filter((a) => a.siteCode === from && a.destSiteCode === to)
    .sort((x, y) => x.priorityOrder - y.priorityOrder);
  if (preferred !== "NO_PREFERENCE" && preferred !== "COURIER") {
    const match = list.find((a) => a.addressType === addressTypeForSender[preferred]);
    if (match) return match;
  }
  return list[0];
}

export function sourceSiteOf(topo: Topology, pkg: Package): number {
  return (
    topo.siteIndex.get(pkg.sourceSite ?? "") ?? topo.siteIndex.get(pkg.packageId.slice(0, 3)) ?? topo.roots[0] ?? 0
  );
}

/**
 * Sites the package travels to: below the source site, every site with a DP among `siteCodes`
 * (default all) and every site that relays to one. 1 = needs the package.
 */
export function distributionSites(topo: Topology, pkg: Package, siteCodes?: readonly string[]): Uint8Array {
  const ns = topo.siteCodes.length;
  const target = new Uint8Array(ns);
  if (siteCodes) {
    for (const c of siteCodes) {
      const s = topo.siteIndex.get(c);
      if (s !== undefined) target[s] = 1;
    }
  } else target.fill(1);
  const needs = new Uint8Array(ns);
  const mark = (s: number): boolean => {
    let any = target[s] === 1 && (topo.dps[s]?.length ?? 0) > 0;
    for (const c of topo.children[s] ?? []) if (mark(c)) any = true;
    if (any) needs[s] = 1;
    return any;
  };
  const source = sourceSiteOf(topo, pkg);
  mark(source);
  needs[source] = 1;
  return needs;
}

/**
 * Is the client on a slow link for the advertisement's slow-link rules? No boundary, a
 * REMOTE_SLOW boundary, or dial-up — the engine's test.
 */
export function isSlowClient(topo: Topology, c: SimComputerLike): boolean {
  const id = c.currentBoundaryId !== undefined ? c.currentBoundaryId : c.boundaryId;
  const b = id === null ? undefined : topo.boundaries.get(id);
  return !b || b.connection !== "LOCAL_FAST" || c.connectionProfile === "DIALUP";
}

/** The boundary the computer is in now (roaming laptops sit in another site's boundary). */
export function currentBoundary(topo: Topology, c: SimComputerLike): Boundary | undefined {
  const id = c.currentBoundaryId !== undefined ? c.currentBoundaryId : c.boundaryId;
  return id === null ? undefined : topo.boundaries.get(id);
}
