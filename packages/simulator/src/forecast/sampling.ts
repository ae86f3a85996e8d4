import { KB_PER_SECOND_PER_KBPS, type Collection } from "@firebreak/domain";
import { DEFAULT_CLIENT_LINK_KBPS, defaultPowerProfile, type FleetDescription, type SimComputer } from "../fleet.js";
import { hash32 } from "../prng.js";
import { currentBoundary, isSlowClient, type Topology } from "./topology.js";

/**
 * Which targeted computers each run simulates.
 *
 * A large fleet is not simulated whole in every run: its targets are split into `k` disjoint
 * partitions and run r plays partition r mod k, so over k runs every computer is simulated
 * exactly once (more runs, more times). The split is systematic over the targets ordered by
 * stratum (site, boundary, link, client type, power profile, off at the start), so every
 * partition holds each kind of computer in proportion. A simulated computer stands for
 * `represents` computers: it counts that much in the coverage, and its download keeps a shared
 * DP or branch link busy that many times as long (the engine's `represents`), so queues build up
 * as with the whole fleet while its own download takes its own time.
 *
 * The cost: a queue fills in chunks of `represents` downloads. Computers whose chunk on a shared
 * link would last longer than `MAX_SHARED_CHUNK_SECONDS` get fewer partitions — down to one, i.e.
 * simulated in every run (e.g. desktops behind a thin branch link).
 */

/** Upper bound on how long one simulated computer may occupy a shared link for the ones it stands for. */
export const MAX_SHARED_CHUNK_SECONDS = 3600;
/** The engine's default network capacity of a DP (SimulationOptions.dpCapacityKbps); the forecast passes it explicitly. */
export const DEFAULT_DP_CAPACITY_KBPS = 100_000;

export class ForecastInputError extends Error {
  override readonly name = "ForecastInputError";
}

/** Fleet indices of the computers an advertisement targets, ascending (the engine's collection rules). */
export function resolveTargets(fleet: FleetDescription, collectionId: string, includeSub: boolean): Int32Array {
  const byId = new Map(fleet.collections.map((c) => [c.collectionId, c]));
  if (!byId.has(collectionId))
    throw new ForecastInputError(`Collection ${collectionId} is not in this fleet; choose an existing collection.`);
  const seen = new Set<string>();
  const members = new Set<number>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const c = byId.get(id);
    if (!c) return;
    for (const r of c.memberResourceIds ?? []) members.add(r);
    for (const rule of c.rules) if (rule.type === "DIRECT") members.add(rule.resourceId);
    if (includeSub)
      for (const child of fleet.collections) if (child.parentCollectionId === id) visit(child.collectionId);
  };
  visit(collectionId);
  const out: number[] = [];
  fleet.computers.forEach((c, i) => {
    if (members.has(c.resourceId)) out.push(i);
  });
  return Int32Array.from(out);
}

export interface SamplingPlan {
  /** Fleet indices of the targets, ascending. */
  targets: Int32Array;
  /** Per target: partitions of its group (1 = simulated in every run). */
  k: Int32Array;
  /** Per target: its partition, 0..k-1. */
  part: Int32Array;
  /** Per target: its group (computers with the same k). */
  group: Int32Array;
  /** Per group: its size and the size of each partition. */
  groups: { k: number; size: number; partSizes: Int32Array }[];
  /** True when some run simulates fewer than all targets. */
  sampled: boolean;
}

/** Seconds one download occupies the shared resource the computer draws from; 0 if it uses only its own link. */
function sharedSeconds(topo: Topology, c: SimComputer, sizeKB: number): number {
  const link = c.linkKbps ?? DEFAULT_CLIENT_LINK_KBPS[c.connectionProfile];
  const b = currentBoundary(topo, c);
  let kbps: number;
  if (!isSlowClient(topo, c)) {
    const protectedDp = b?.protectedDpServerNames?.map((n) => topo.dpByName.get(n)).find((d) => d !== undefined);
    const site = topo.siteIndex.get(b?.siteCode ?? c.siteCode) ?? -1;
    const lan = protectedDp ? [protectedDp] : (topo.dps[site] ?? []).filter((d) => !d.contentLinkKbps);
    const cap = lan.length > 0 ? Math.min(...lan.map((d) => d.capacityKbps ?? DEFAULT_DP_CAPACITY_KBPS)) : link;
    kbps = Math.min(link, cap);
  } else if (b && (b.linkKbps ?? 0) > 0) kbps = Math.min(b.linkKbps ?? 0, link);
  else return 0;
  return kbps > 0 ? sizeKB / (kbps * KB_PER_SECOND_PER_KBPS) : 0;
}

export interface SamplingOptions {
  topology: Topology;
  targets: Int32Array;
  sizeKB: number;
  runs: number;
  /** Aim at about this many simulated computers per run. */
  perRun: number;
  seed: number;
  startMs: number;
}

export function planSampling(o: SamplingOptions): SamplingPlan {
  const { topology, targets } = o;
  const fleet = topology.fleet;
  const n = targets.length;
  const k0 = Math.max(1, Math.min(o.runs, Math.ceil(n / Math.max(1, o.perRun))));
  const k = new Int32Array(n);
  const stratum = new Int32Array(n);
  const tie = new Uint32Array(n);
  const strata = new Map<string, number>();
  for (let t = 0; t < n; t++) {
    const c = fleet.computers[targets[t] as number] as SimComputer;
    tie[t] = hash32(o.seed, c.resourceId, 0x53414d50);
    const s = k0 === 1 ? 0 : sharedSeconds(topology, c, o.sizeKB);
    k[t] = s > 0 ? Math.max(1, Math.min(k0, Math.floor(MAX_SHARED_CHUNK_SECONDS / s))) : k0;
    const off = c.power?.offUntil ? Date.parse(c.power.offUntil) > o.startMs : false;
    const key = [
      c.siteCode,
      c.currentBoundaryId !== undefined ? c.currentBoundaryId : c.boundaryId,
      c.connectionProfile,
      c.clientType,
      c.power?.profile ?? defaultPowerProfile(c),
      c.isLaptop,
      off,
    ].join("|");
    let id = strata.get(key);
    if (id === undefined) {
      id = strata.size;
      strata.set(key, id);
    }
    stratum[t] = id;
  }
  const byK = new Map<number, number[]>();
  for (let t = 0; t < n; t++) {
    const list = byK.get(k[t] as number) ?? [];
    list.push(t);
    byK.set(k[t] as number, list);
  }
  const part = new Int32Array(n);
  const group = new Int32Array(n);
  const groups: SamplingPlan["groups"] = [];
  for (const kk of [...byK.keys()].sort((x, y) => x - y)) {
    const members = byK.get(kk) as number[];
    members.sort(
      (x, y) => (stratum[x] as number) - (stratum[y] as number) || (tie[x] as number) - (tie[y] as number) || x - y,
    );
    const offset = hash32(o.seed, kk, 0x4f464653) % kk;
    const partSizes = new Int32Array(kk);
    members.forEach((t, rank) => {
      const p = (rank + offset) % kk;
      part[t] = p;
      group[t] = groups.length;
      partSizes[p] = (partSizes[p] as number) + 1;
    });
    groups.push({ k: kk, size: members.length, partSizes });
  }
  return { targets, k, part, group, groups, sampled: groups.some((g) => g.k > 1) };
}

export interface RunMembers {
  /** Positions in `plan.targets`. */
  positions: Int32Array;
  /** How many targets each stands for. */
  weights: Float64Array;
}

/** The targets run r simulates and their weights. */
export function runMembers(plan: SamplingPlan, r: number): RunMembers {
  const pos: number[] = [];
  const w: number[] = [];
  for (let t = 0; t < plan.targets.length; t++) {
    const kk = plan.k[t] as number;
    if (r % kk !== plan.part[t]) continue;
    const g = plan.groups[plan.group[t] as number] as SamplingPlan["groups"][number];
    pos.push(t);
    w.push(g.size / (g.partSizes[r % kk] as number));
  }
  return { positions: Int32Array.from(pos), weights: Float64Array.from(w) };
}

/** The fleet one run plays: the sampled targets (standing for others) and one collection of them; a variant sets `addresses`. */
export function runFleet(
  fleet: FleetDescription,
  plan: SamplingPlan,
  members: RunMembers,
  collectionId: string,
): FleetDescription {
  const computers: SimComputer[] = [];
  const ids: number[] = [];
  for (let x = 0; x < members.positions.length; x++) {
    const c = fleet.computers[plan.targets[members.positions[x] as number] as number] as SimComputer;
    const w = members.weights[x] as number;
    computers.push(w === 1 ? c : { ...c, represents: w });
    ids.push(c.resourceId);
  }
  const collection: Collection = {
    collectionId,
    name: "Forecast targets",
    parentCollectionId: null,
    rules: [],
    purpose: "TARGET",
    memberResourceIds: ids,
  };
  return {
    sites: fleet.sites,
    siteSystems: fleet.siteSystems,
    boundaries: fleet.boundaries,
    addresses: fleet.addresses,
    computers,
    collections: [collection],
  };
}
