import {
  AdvertFlags,
  DEFAULT_REMOTE_CLIENT_FLAGS,
  ProgramFlags,
  withRemoteClientModes,
  type Advertisement,
  type Package,
  type Program,
  type SendingPriority,
} from "@firebreak/domain";
import type { Simulation } from "./engine.js";
import type { FleetDescription } from "./fleet.js";
import { PRESET_COLLECTIONS } from "./presets.js";

/** A release to play: one package, its program, one advertisement and how the package is distributed. */
export interface Release {
  package: Package;
  program: Program;
  advertisement: Advertisement;
  distribution: { at: string; siteCodes?: string[]; courierSiteCodes?: string[] };
}

export interface EmergencyReleaseOptions {
  /** When the package is built and distribution starts (ISO). */
  at: string;
  /** When the advertisement starts and the mandatory assignment fires; default `at` + 1 h. */
  presentTime?: string;
  expirationTime?: string | null;
  sizeKB?: number;
  updateId?: string;
  packageId?: string;
  advertisementId?: string;
  collectionId?: string;
  /** Clear "Assignments are not mandatory over slow links" (set ONSLOWNET). Default true. */
  onSlowNet?: boolean;
  /** Advanced Client behaviour without a local DP. Default DOWNLOAD_REMOTE (emergency); SMS's own default is DONT_RUN. */
  noLocalDpMode?: "DONT_RUN" | "DOWNLOAD_REMOTE" | "RUN_REMOTE";
  sendingPriority?: SendingPriority;
  ignoreAddressSchedule?: boolean;
  courierSiteCodes?: string[];
  /** OKTOREBOOT on the program: SMS restarts the computer after a 3010. Default false. */
  smsRestarts?: boolean;
  /** Default `<updateId> emergency release` (at most 50 characters). */
  packageName?: string;
  /** Default `<updateId> emergency` (at most 100 characters). */
  advertisementName?: string;
  /** Advertisement comment (at most 127 characters). */
  comment?: string;
}

/**
 * The emergency release of domain.md §3.3: a mandatory advertisement to all workstations with
 * ONSLOWNET set, package sending priority High, advertisement priority High.
 */
export function emergencyRelease(fleet: FleetDescription, o: EmergencyReleaseOptions): Release {
  const central = fleet.sites.find((s) => s.parentSiteCode === null)?.siteCode ?? "CEN";
  const packageId = o.packageId ?? `${central}0001A`;
  const presentTime = o.presentTime ?? new Date(Date.parse(o.at) + 3_600_000).toISOString();
  const updateId = o.updateId ?? "KB835732";
  const pkg: Package = {
    packageId,
    name: o.packageName ?? `${updateId} emergency release`,
    version: "1.0",
    sourceSite: central,
    sourceVersion: 1,
    sizeKB: o.sizeKB ?? 5 * 1024,
    sendingPriority: o.sendingPriority ?? "HIGH",
    preferredSender: "NO_PREFERENCE",
    ignoreAddressSchedule: o.ignoreAddressSchedule ?? false,
    kind: "DEPLOY",
    updateIds: [updateId],
  };
  const flags = ProgramFlags.fromNames([
    "UNATTENDED",
    "ADMINRIGHTS",
    "USEUNCPATH",
    ...(o.smsRestarts ? (["OKTOREBOOT"] as const) : []),
  ]);
  const program: Program = {
    packageId,
    programName: "Install",
    commandLine: `WindowsXP-${updateId}-x86-ENU.exe /quiet /norestart`,
    programFlags: flags,
    maxRunMinutes: 60,
    kind: "INSTALL",
    checksUpdatePresent: false,
  };
  const advertisement: Advertisement = {
    advertisementId: o.advertisementId ?? `${central}20001`,
    advertisementName: o.advertisementName ?? `${updateId} emergency`,
    ...(o.comment !== undefined ? { comment: o.comment } : {}),
    packageId,
    programName: program.programName,
    collectionId: o.collectionId ?? PRESET_COLLECTIONS.ALL_WORKSTATIONS,
    includeSubCollection: true,
    presentTime,
    expirationTime: o.expirationTime ?? null,
    assignedSchedule: [{ startTime: presentTime }],
    assignedScheduleEnabled: true,
    advertFlags: o.onSlowNet === false ? 0 : AdvertFlags.bitOf.ONSLOWNET,
    remoteClientFlags: withRemoteClientModes(DEFAULT_REMOTE_CLIENT_FLAGS, {
      localDpMode: "DOWNLOAD",
      noLocalDpMode: o.noLocalDpMode ?? "DOWNLOAD_REMOTE",
    }),
    priority: 1,
  };
  const distribution: Release["distribution"] = { at: o.at };
  if (o.courierSiteCodes) distribution.courierSiteCodes = o.courierSiteCodes;
  return { package: pkg, program, advertisement, distribution };
}

/** Registers a release with a simulation and starts its distribution. */
export function loadRelease(sim: Simulation, r: Release): void {
  sim.addPackage(r.package);
  sim.addProgram(r.program);
  sim.distributePackage(r.package.packageId, r.distribution);
  sim.addAdvertisement(r.advertisement);
}

/** A few real security bulletins of the SMS 2003 era, with the worm that made each an emergency. */
export const ERA_BULLETINS = {
  "MS03-026": { updateId: "KB823980", title: "RPC DCOM buffer overrun", worm: "Blaster", wormDate: "2003-08-11" },
  "MS04-011": { updateId: "KB835732", title: "LSASS buffer overrun", worm: "Sasser", wormDate: "2004-05-01" },
  "MS05-039": { updateId: "KB899588", title: "Plug and Play buffer overrun", worm: "Zotob", wormDate: "2005-08-14" },
} as const;
export type EraBulletin = keyof typeof ERA_BULLETINS;

/** `emergencyRelease` options that name the package and advertisement after a bulletin, e.g. "MS04-011 KB835732 (Sasser) emergency". */
export function bulletinReleaseOptions(
  bulletin: EraBulletin,
): Pick<EmergencyReleaseOptions, "updateId" | "packageName" | "advertisementName" | "comment"> {
  const b = ERA_BULLETINS[bulletin];
  return {
    updateId: b.updateId,
    packageName: `${bulletin} ${b.updateId} ${b.worm} emergency`,
    advertisementName: `${bulletin} ${b.updateId} (${b.worm}) emergency - all workstations`,
    comment: `${b.title}; ${b.worm} worm in the wild since ${b.wormDate}. Mandatory, also over slow links.`,
  };
}
