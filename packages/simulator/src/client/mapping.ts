import {
  ProgramFlags,
  type Advertisement,
  type AdvertisementRecord,
  type Collection,
  type CollectionRecord,
  type FleetImport,
  type Package,
  type PackageDetail,
  type Program,
  type ProgramRecord,
  type SiteSystem,
} from "@firebreak/domain";
import { defaultPowerProfile, type FleetDescription, type SimComputer, type SimSiteSystem } from "../fleet.js";
import { PowerModel } from "../power.js";
import { DEFAULT_START_TIME } from "../presets.js";

/**
 * From the simulator's fleet description to the API's import shapes, and back from the API's
 * records to the SMS objects the engine plays. The simulator carries a
 * few behavioural inputs SMS does not store (power pattern, a client's own link speed, roaming);
 * they are dropped here, except the power pattern, which becomes the computer's `onlineRatio` (the share
 * of time it is on and connected, what the forecast works with).
 */

export type ImportComputer = NonNullable<FleetImport["computers"]>[number];

export function toImportSiteSystem(s: SimSiteSystem): SiteSystem {
  const out: SiteSystem = { serverName: s.serverName, siteCode: s.siteCode, roles: [...s.roles] };
  if (s.bitsEnabled !== undefined) out.bitsEnabled = s.bitsEnabled;
  if (s.contentLinkKbps !== undefined) out.contentLinkKbps = s.contentLinkKbps;
  if (s.capacityKbps !== undefined) out.capacityKbps = s.capacityKbps;
  return out;
}

export function toImportComputer(c: SimComputer, onlineRatio?: number): ImportComputer {
  const out: ImportComputer = {
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
    lastSeenAt: c.lastSeenAt,
  };
  if (onlineRatio !== undefined) out.onlineRatio = onlineRatio;
  return out;
}

export interface OnlineRatioOptions {
  /** The simulation seed: the power model draws each machine's days from it. Default 0. */
  seed?: number;
  /** Start of the measured period (epoch ms or ISO). Default the presets' start time. */
  from?: number | string;
  /** Length of the measured period. Default 28 days (four whole weeks, weekends included). */
  days?: number;
}

const DAY = 86_400_000;

/**
 * Each computer's long-run share of time on and connected, measured on the same power model the
 * engine plays (same seed, machine key and site time zone) over `days` days, rounded to 0.001.
 * A temporary switch-off (`power.offUntil`, e.g. a laptop on holiday) is not part of the ratio:
 * it describes the machine's habits, not this week.
 */
export function onlineRatios(fleet: FleetDescription, opts: OnlineRatioOptions = {}): Float64Array {
  const seed = opts.seed ?? 0;
  const from = typeof opts.from === "number" ? opts.from : Date.parse(opts.from ?? DEFAULT_START_TIME);
  const span = (opts.days ?? 28) * DAY;
  const end = from + span;
  const offsetOf = new Map(fleet.sites.map((s) => [s.siteCode, s.utcOffsetMinutes ?? 0]));
  const n = fleet.computers.length;
  const pm = new PowerModel(seed, n);
  fleet.computers.forEach((c, i) =>
    pm.set(
      i,
      (c.power ?? { profile: defaultPowerProfile(c) }).profile,
      c.resourceId,
      null,
      offsetOf.get(c.siteCode) ?? 0,
    ),
  );
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let on = 0;
    let t = from;
    while (t < end && pm.find(i, t)) {
      const s = Math.max(pm.outStart, t);
      if (s >= end) break;
      on += Math.min(pm.outEnd, end) - s;
      t = pm.outEnd;
    }
    out[i] = Math.round((1000 * on) / span) / 1000;
  }
  return out;
}

// ---------------------------------------------------------------- records → SMS objects

export function toAdvertisement(r: AdvertisementRecord): Advertisement {
  return {
    advertisementId: r.advertisementId,
    advertisementName: r.advertisementName,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    packageId: r.packageId,
    programName: r.programName,
    collectionId: r.collectionId,
    includeSubCollection: r.includeSubCollection,
    presentTime: r.presentTime,
    expirationTime: r.expirationTime,
    assignedSchedule: r.assignedSchedule,
    assignedScheduleEnabled: r.assignedScheduleEnabled,
    advertFlags: r.advertFlags,
    remoteClientFlags: r.remoteClientFlags,
    priority: r.priority,
  };
}

/** `disabled` is folded into the flag word (the engine reads DISABLED from there). */
export function toProgram(r: ProgramRecord): Program {
  return {
    packageId: r.packageId,
    programName: r.programName,
    commandLine: r.commandLine,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    programFlags: ProgramFlags.with(r.programFlags >>> 0, "DISABLED", r.disabled),
    maxRunMinutes: r.maxRunMinutes,
    kind: r.kind,
    checksUpdatePresent: r.checksUpdatePresent,
  };
}

export function toPackage(r: PackageDetail): Package {
  const out: Package = {
    packageId: r.packageId,
    name: r.name,
    version: r.pkgVersion,
    manufacturer: r.manufacturer,
    language: r.language,
    sourceVersion: r.sourceVersion,
    sizeKB: r.sizeKB,
    sendingPriority: r.sendingPriority,
    preferredSender: r.preferredSender,
    ignoreAddressSchedule: r.ignoreAddressSchedule,
    kind: r.kind,
    updateIds: [...r.updateIds],
  };
  if (r.sourceSite) out.sourceSite = r.sourceSite;
  return out;
}

export function toCollection(r: CollectionRecord, memberResourceIds: number[]): Collection {
  return {
    collectionId: r.collectionId,
    name: r.name,
    parentCollectionId: r.parentCollectionId,
    rules: r.rules,
    purpose: r.purpose,
    memberResourceIds,
  };
}
