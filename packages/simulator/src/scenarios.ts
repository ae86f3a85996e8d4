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
import { createSimulation, type Simulation, type SimulationOptions } from "./engine.js";
import type { FleetDescription, PowerProfile } from "./fleet.js";
import { badUpdateOutcomeModel, type BadUpdateOutcomeOptions } from "./outcomes.js";
import { PRESET_COLLECTIONS, generateFleet } from "./presets.js";

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

export interface RollbackReleaseOptions {
  /** When the package is built and distribution starts (ISO). */
  at: string;
  /** When the advertisement starts and the mandatory assignment fires; default `at` + 1 h. */
  presentTime?: string;
  /** The update to remove. Default KB835732. */
  updateId?: string;
  /** Option A of domain.md §3.4: check the update is there before removing it. Default true. */
  checksUpdatePresent?: boolean;
  packageId?: string;
  advertisementId?: string;
  /** Option A targets the install's collection; option B a collection of the machines that applied it. */
  collectionId?: string;
  /** OKTOREBOOT on the program: SMS restarts the computer after a 3010. Default true. */
  smsRestarts?: boolean;
}

/**
 * A rollback release (domain.md §3.4 R4/R5): a small ROLLBACK package whose program runs the
 * update's spuninst.exe, advertised mandatory like the emergency release. Program names and the
 * check-first command follow the console's rollback programs (a `reg query` on the update's
 * Hotfix key, exit 0 when it is absent).
 */
export function rollbackRelease(fleet: FleetDescription, o: RollbackReleaseOptions): Release {
  const central = fleet.sites.find((s) => s.parentSiteCode === null)?.siteCode ?? "CEN";
  const updateId = o.updateId ?? "KB835732";
  const checks = o.checksUpdatePresent ?? true;
  const packageId = o.packageId ?? `${central}0002A`;
  const base = emergencyRelease(fleet, {
    at: o.at,
    ...(o.presentTime !== undefined ? { presentTime: o.presentTime } : {}),
    updateId,
    packageId,
    advertisementId: o.advertisementId ?? `${central}20002`,
    ...(o.collectionId !== undefined ? { collectionId: o.collectionId } : {}),
    sizeKB: 16,
    smsRestarts: o.smsRestarts ?? true,
    packageName: `${updateId} rollback`,
    advertisementName: `${updateId} rollback`,
  });
  const uninstall = `%windir%\\$NtUninstall${updateId}$\\spuninst\\spuninst.exe /quiet /norestart`;
  const hotfixKey = `HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\${updateId}`;
  const programName = checks ? `Roll back ${updateId} (check first)` : `Roll back ${updateId}`;
  return {
    ...base,
    package: { ...base.package, kind: "ROLLBACK" },
    program: {
      ...base.program,
      programName,
      commandLine: checks ? `cmd /c (reg query "${hotfixKey}" >nul 2>&1 || exit 0) && ${uninstall}` : uninstall,
      kind: "ROLLBACK",
      checksUpdatePresent: checks,
    },
    advertisement: { ...base.advertisement, programName },
  };
}

export interface BadUpdateScenarioOptions {
  seed: number;
  /** Simulated start; the release is built then (ISO). */
  startTime: string;
  /** Default: the demo preset (7 sites) with `computers` client computers. */
  fleet?: FleetDescription;
  /** Client computers of the demo preset when no fleet is given (infrastructure servers come on top). Default 60. */
  computers?: number;
  /**
   * Power pattern of every computer, replacing the fleet's: ALWAYS_ON makes a test independent of
   * the time of day and week it starts at.
   */
  power?: PowerProfile;
  /** The release that goes wrong (`at` is `startTime`). */
  release?: Omit<EmergencyReleaseOptions, "at">;
  /** How it goes wrong; it applies to the release's advertisement. */
  badUpdate?: Omit<BadUpdateOutcomeOptions, "packageIds" | "advertisementIds" | "updateIds">;
  simulation?: Omit<SimulationOptions, "fleet" | "seed" | "startTime" | "outcomeModel">;
}

export interface BadUpdateScenario {
  fleet: FleetDescription;
  release: Release;
  simulation: Simulation;
}

/** A fleet, an emergency release of a bad update, and a simulation playing it (clock at `startTime`). */
export function createBadUpdateScenario(o: BadUpdateScenarioOptions): BadUpdateScenario {
  const base =
    o.fleet ?? generateFleet({ preset: "demo", seed: o.seed, startTime: o.startTime, computers: o.computers ?? 60 });
  const power = o.power;
  const fleet = power
    ? { ...base, computers: base.computers.map((c) => ({ ...c, power: { profile: power, offUntil: null } })) }
    : base;
  const release = emergencyRelease(fleet, { ...o.release, at: o.startTime });
  const simulation = createSimulation({
    ...o.simulation,
    fleet,
    seed: o.seed,
    startTime: o.startTime,
    outcomeModel: badUpdateOutcomeModel({ ...o.badUpdate, advertisementIds: [release.advertisement.advertisementId] }),
  });
  loadRelease(simulation, release);
  return { fleet, release, simulation };
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
