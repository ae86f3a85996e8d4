import {
  AdvertFlags,
  EXIT_CODES,
  KB_PER_SECOND_PER_KBPS,
  ProgramFlags,
  STATUS_MESSAGE_IDS,
  addressTypeForSender,
  isMandatory,
  mandatoryRunDecision,
  noLocalDpModeOf,
  sendingPriorityOfAdvert,
  transferSeconds,
  type Address,
  type Advertisement,
  type Collection,
  type ComplianceState,
  type ConnectionProfile,
  type ContentSource,
  type DpDeliveryVia,
  type DpState,
  type Package,
  type PreferredSender,
  type Program,
  type SendingPriority,
} from "@firebreak/domain";
import { EventQueue } from "./event-queue.js";
import { DEFAULT_CLIENT_LINK_KBPS, defaultPowerProfile, type FleetDescription } from "./fleet.js";
import { UPDATE_NOT_INSTALLED_EXIT_CODE, standardOutcomeModel, type OutcomeModel } from "./outcomes.js";
import { PowerModel } from "./power.js";
import { hash32, hashFloat, seedFromString } from "./prng.js";

/**
 * Discrete-event engine: packages travel to DPs over sender addresses (bandwidth, schedule,
 * rate limit) or by Courier parcel; clients pick up policy on their polling cycle, honour the
 * advertisement's mandatory / slow-link / remote-DP rules, download over their own link, run
 * the program and report — late, with the true event time, when they were off.
 *
 * Time is a simulated clock in epoch ms. Events sit in one typed-array heap keyed by
 * (time, insertion order). Machines are never polled minute by minute: their on-line intervals
 * and policy polls are computed arithmetically (PowerModel, poll phase), so each client costs a
 * handful of events per advertisement.
 *
 * Updates: the engine knows which computers have each update (installed by a run here, or given
 * by `installedUpdates` / `setInstalled`), so a ROLLBACK program removes it only where it is; a
 * bad update (`degradeAfterMs` from the outcome model) takes a machine off-line for good.
 *
 * Determinism: every random choice is a hash of (seed, entity, purpose), never a shared stream,
 * so the output depends only on the inputs — not on how `advance()` calls are chunked.
 */

export interface SimulationOptions {
  fleet: FleetDescription;
  seed: number;
  /** Simulated clock start: epoch ms, ISO string or Date. */
  startTime: number | string | Date;
  outcomeModel?: OutcomeModel;
  /** Client policy polling interval (Advanced Client) / advertised-programs polling (Legacy). Default 60. */
  policyPollingMinutes?: number;
  /** Client download rates by connection profile, kbit/s, when a computer gives none. */
  clientLinkKbps?: Partial<Record<ConnectionProfile, number>>;
  /** Network capacity a DP shares among its downloading clients when the fleet gives none. Default 100 Mbit/s. */
  dpCapacityKbps?: number;
  /** Courier parcel transit (create, ship, receive), hours. Default 24–72. */
  courierTransitHours?: { min: number; max: number };
  /** Distribution manager / despooler overhead per site hop, minutes. Default 5. */
  siteProcessingMinutes?: number;
  /** Delay between a client event and its status upload, minutes. Default 1–5. */
  statusUploadMinutes?: { min: number; max: number };
  /** Emit a REQUIRED compliance row per targeted computer and update at the advertisement's start (not for rollbacks). Default true. */
  emitRequiredCompliance?: boolean;
  /**
   * Updates already on computers at the start, by update id: the resource ids that have them (see
   * `setInstalled`). A rollback finds them; nothing is reported for them.
   */
  installedUpdates?: Readonly<Record<string, readonly number[]>>;
  /** Called every `progressEveryEvents` events and at the end of each `advance`. */
  onProgress?: (p: SimProgress) => void;
  progressEveryEvents?: number;
  /**
   * Build status messages and compliance rows, REQUIRED rows included (default true). A forecast
   * that only reads `advertisementTargets` turns it off: the clients behave the same, nothing is reported.
   */
  emitReports?: boolean;
}

export interface SimProgress {
  simTime: number;
  from: number;
  until: number;
  /** 0..1 of the current `advance` window. */
  fraction: number;
  eventsProcessed: number;
  queued: number;
}

/** A client status message as the simulator emits it: the ingest payload plus when it was sent. */
export interface SimStatusMessage {
  messageId: number;
  machineName: string;
  resourceId: number;
  siteCode: string;
  advertisementId: string;
  /** Event time on the client (ISO). */
  time: string;
  exitCode?: number;
  /** When the client uploaded it (ISO) — later than `time` if the machine was off. */
  reportedAt: string;
}

export interface SimComplianceRow {
  resourceId: number;
  /** The computer's site (what the compliance ingest needs to check the forwarder's scope). */
  siteCode: string;
  updateId: string;
  state: ComplianceState;
  time: string;
  reportedAt: string;
}

export interface SimDpStatusChange {
  packageId: string;
  siteCode: string;
  serverName: string;
  storedVersion: number;
  state: DpState;
  via: DpDeliveryVia;
  time: string;
}

export interface SimBatch {
  from: string;
  until: string;
  statusMessages: SimStatusMessage[];
  compliance: SimComplianceRow[];
  dpStatus: SimDpStatusChange[];
  eventsProcessed: number;
}

/** Where each targeted client stands for one advertisement. */
export const CLIENT_STAGES = [
  "AWAITING_POLICY",
  "RECEIVED",
  "NOT_MANDATORY",
  "NOT_FORCED_SLOW_LINK",
  "NO_LOCAL_DP",
  "SCHEDULED",
  "WAITING_CONTENT",
  "DOWNLOADING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "HALTED",
  "EXPIRED",
  "UNREACHABLE",
  "NO_DP",
] as const;
export type ClientStage = (typeof CLIENT_STAGES)[number];
const ST = Object.fromEntries(CLIENT_STAGES.map((s, i) => [s, i])) as Record<ClientStage, number>;

export interface AdvertisementProgress {
  advertisementId: string;
  targets: number;
  byStage: Record<ClientStage, number>;
}

/** Per-target state of one advertisement, in target order. */
export interface AdvertisementTargets {
  resourceIds: Int32Array;
  /** Index into CLIENT_STAGES. */
  stages: Uint8Array;
  /** Epoch ms of the successful run's end; NaN if it has not succeeded. */
  succeededAt: Float64Array;
  /**
   * Per target standing for others (`represents` w) on a shared DP or branch link: how much later
   * than its own the last of the w downloads it stands for ends, (w − 1) × its transfer; else 0.
   */
  chunkSpanMs: Float64Array;
  /** Per target running the program from the DP: when it has read the files over the link (NaN otherwise). */
  runContentEndsAt: Float64Array;
}

export interface SimStats {
  simTime: string;
  eventsProcessed: number;
  queued: number;
  statusMessagesByMessageId: Record<string, number>;
  complianceByState: Partial<Record<ComplianceState, number>>;
  dpInstalled: number;
  stalledTransfers: number;
  unroutableHops: number;
  /** Machines off-line for good after a bad update, as of now. */
  degradedMachines: number;
}

export interface DegradedMachine {
  resourceId: number;
  /** When it went down for good (ISO); may be after `now` (it crashes at its next restart). */
  since: string;
}

const EV = {
  DISTRIBUTE: 1,
  SITE_RECEIVED: 2,
  ADDRESS_DONE: 3,
  DP_INSTALLED: 4,
  ADVERT_AT_SITE: 5,
  CLIENT_POLICY: 6,
  CLIENT_ASSIGNMENT: 7,
  RUN_START: 8,
  RUN_END: 9,
  REBOOT_DONE: 10,
  EMIT: 11,
  CONTROL: 12,
  REQUIRED_ROWS: 13,
  DEGRADE: 14,
} as const;

const MIN = 60_000;
const HOUR = 3_600_000;
/** An advertisement object is tiny; it still waits for the address schedule. */
const ADVERT_OBJECT_KB = 4;
/** A LAN DP on the site server copies and expands the package at roughly this rate. */
const LOCAL_DP_COPY_KBPS = 100_000;
const PRIORITY_RANK: Record<SendingPriority, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };
const CONTENT_SOURCES: readonly ContentSource[] = [
  "LOCAL_DP_RUN",
  "LOCAL_DP_DOWNLOAD",
  "REMOTE_DP_DOWNLOAD",
  "REMOTE_DP_RUN",
];

const toMs = (t: number | string | Date): number => {
  const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid time: ${String(t)}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();

interface PkgRt {
  pkg: Package;
  idx: number;
  siteHasAt: Float64Array;
  dpInstalledAt: Float64Array;
  dpStored: Int32Array;
  dpState: Uint8Array; // 0 none, 1 pending, 2 in progress, 3 installed
  waiters: Map<number, number[]>;
}

interface ProgRt {
  program: Program;
  flags: number;
  /** The flags last asked for (`setProgramFlags` takes effect at its time). */
  requestedFlags: number;
  disabledSince: number;
}

interface AdvRt {
  advert: Advertisement;
  idx: number;
  /** Stable per-advertisement key for random draws (independent of the order adverts are added). */
  key: number;
  pkg: PkgRt;
  prog: ProgRt;
  targets: Int32Array;
  bySite: Int32Array[];
  siteArrivedAt: Float64Array;
  stage: Uint8Array;
  contentSource: Uint8Array;
  extraRunMs: Float64Array;
  /** Per target: see AdvertisementTargets.chunkSpanMs and runContentEndsAt. */
  chunkSpanMs: Float64Array;
  runContentEndsAt: Float64Array;
  exitCode: Int32Array;
  endMessageId: Uint16Array;
  /** Per target, when its run ended in success (NaN until then). */
  succeededAt: Float64Array;
  /** Per target, RUN_* bits about the current run. */
  runFlags: Uint8Array;
  /** Per target whose run will degrade the machine: ms from the run's end. */
  degradeAfter: Map<number, number>;
  /** Per target that crashes at the restart after a 3010: when its last reports are out. */
  degradeAtRestart: Map<number, number>;
  /**
   * Per target whose exit-0 install will crash it (a DEGRADE event is queued): when its last
   * reports are out. Not cleared by a later run: the update it installed is what crashes it.
   */
  degradePending: Map<number, number>;
  presentMs: number;
  mandatoryAtMs: number;
  expiresMs: number;
}

interface DistJob {
  pkgIdx: number;
  needs: Uint8Array; // per site: 1 = the package must reach it (DP target or relay)
  dpTarget: Uint8Array; // per DP
  courier: Uint8Array; // per site: deliver by parcel
}

interface Transfer {
  id: number;
  jobIdx: number;
  site: number;
  via: DpDeliveryVia;
  priorityRank: number;
  seq: number;
}

type Pending =
  | { k: 0; c: number; adv: number; messageId: number; time: number; exitCode: number | undefined }
  | { k: 1; c: number; updateIds: readonly string[]; state: ComplianceState; time: number };

/** The run changes nothing: a rollback that checked first and found the update absent. */
const RUN_NO_CHANGE = 1;

type Control =
  | { kind: "PROGRAM_FLAGS"; prog: ProgRt; flags: number }
  /** A distribution point fails or comes back (an outage; see `setDistributionPointDown`). */
  | { kind: "DP_OUTAGE"; dp: number; down: boolean }
  /** Every sender address between two sites fails or comes back (see `setLinkDown`). */
  | { kind: "LINK_OUTAGE"; addrs: number[]; down: boolean };

export class Simulation {
  readonly seed: number;
  private readonly fleet: FleetDescription;
  private readonly outcome: OutcomeModel;
  private readonly pollMs: number;
  private readonly dpCapacityKbps: number;
  private readonly courierMin: number;
  private readonly courierMax: number;
  private readonly processingMs: number;
  private readonly uploadMin: number;
  private readonly uploadMax: number;
  private readonly emitRequired: boolean;
  private readonly onProgress: ((p: SimProgress) => void) | undefined;
  private readonly progressEvery: number;
  private readonly emitReports: boolean;

  private readonly q = new EventQueue(1 << 16);
  private readonly power: PowerModel;
  private clock: number;
  private eventsTotal = 0;

  // Sites
  private readonly siteCodes: string[];
  private readonly siteIdx = new Map<string, number>();
  private readonly siteParent: Int32Array;
  private readonly siteChildren: number[][];
  private readonly siteOffsetMin: Int32Array;
  private readonly siteDp: Int32Array; // primary DP of a site, -1 if none
  private readonly siteDps: number[][];
  /** DPs on each site's LAN (not branch DPs); LAN clients spread over them. */
  private readonly siteLanDps: number[][];
  private readonly roots: number[];

  // DPs
  private readonly dpServer: string[];
  private readonly dpSite: Int32Array;
  private readonly dpCapacity: Float64Array;
  private readonly dpContentLink: Float64Array;
  private readonly dpBusyUntil: Float64Array;
  /** Outages: 1 = the DP is down (serves and receives no content). */
  private readonly dpOut: Uint8Array;
  /** Bumped when a DP goes down: a content copy scheduled before is lost. */
  private readonly dpEpoch: Int32Array;
  /** The DP epoch each scheduled copy belongs to, by `pkgIdx * nDps + dp`. */
  private readonly copyEpoch = new Map<number, number>();
  /** Clients waiting for a DP that is down (no other DP they may use): [advert, target, …]. */
  private readonly dpOutWaiters = new Map<number, number[]>();

  // Boundaries
  private readonly boundaryIdx = new Map<string, number>();
  private readonly bSite: Int32Array;
  private readonly bFast: Uint8Array;
  private readonly bDp: Int32Array;
  private readonly bProtected: Uint8Array;
  private readonly bLinkKbps: Float64Array;
  private readonly bBusyUntil: Float64Array;

  // Addresses
  private readonly addresses: Address[];
  private readonly addrByPair = new Map<string, number[]>();
  private readonly addrQueue: Transfer[][];
  private readonly addrBusy: Uint8Array;
  private readonly addrCurrent: Int32Array;
  /** Outages: 1 = the link behind the address is down (no transfer until it is back). */
  private readonly addrOut: Uint8Array;
  /** Bumped when a link goes down: the ADDRESS_DONE of the interrupted transfer is ignored. */
  private readonly addrEpoch: Int32Array;
  /** Advertisement hops waiting for a link to come back: [advert, destination site, …] per address. */
  private readonly addrHeldAdverts: number[][];

  // Computers
  private readonly n: number;
  private readonly cSite: Int32Array;
  private readonly cBoundary: Int32Array;
  private readonly cLegacy: Uint8Array;
  private readonly cSlow: Uint8Array;
  private readonly cLinkKbps: Float64Array;
  private readonly cKey: Uint32Array;
  private readonly cPhase: Float64Array;
  /** How many computers each one stands for on shared DP capacity and branch links (forecast sampling). */
  private readonly cRepresents: Float64Array;
  private readonly resourceIdx = new Map<number, number>();
  /** Which computers have each update (index = computer), by update id. */
  private readonly present = new Map<string, Uint8Array>();
  /** Computers that degraded, in the order it was decided. */
  private readonly degraded: number[] = [];

  // Workload
  private readonly packages: PkgRt[] = [];
  private readonly packageIdx = new Map<string, number>();
  private readonly programs = new Map<string, ProgRt>();
  private readonly adverts: AdvRt[] = [];
  private readonly collections: Collection[];
  private readonly advertIdx = new Map<string, number>();
  private readonly jobs: DistJob[] = [];
  private readonly transfers: Transfer[] = [];
  private readonly controls: Control[] = [];
  private readonly pending: (Pending | undefined)[] = [];
  private readonly freePending: number[] = [];
  private transferSeq = 0;

  // Output of the advance() in progress
  private out: SimBatch | null = null;
  private readonly msgCounts = new Map<number, number>();
  private readonly complianceCounts = new Map<ComplianceState, number>();
  private dpInstalledCount = 0;
  private stalled = 0;
  private unroutable = 0;

  constructor(opts: SimulationOptions) {
    this.seed = opts.seed >>> 0;
    this.fleet = opts.fleet;
    this.outcome = opts.outcomeModel ?? standardOutcomeModel();
    this.pollMs = (opts.policyPollingMinutes ?? 60) * MIN;
    this.dpCapacityKbps = opts.dpCapacityKbps ?? 100_000;
    this.courierMin = (opts.courierTransitHours?.min ?? 24) * HOUR;
    this.courierMax = (opts.courierTransitHours?.max ?? 72) * HOUR;
    this.processingMs = (opts.siteProcessingMinutes ?? 5) * MIN;
    this.uploadMin = (opts.statusUploadMinutes?.min ?? 1) * MIN;
    this.uploadMax = (opts.statusUploadMinutes?.max ?? 5) * MIN;
    this.emitRequired = (opts.emitRequiredCompliance ?? true) && (opts.emitReports ?? true);
    this.onProgress = opts.onProgress;
    this.progressEvery = opts.progressEveryEvents ?? 100_000;
    this.emitReports = opts.emitReports ?? true;
    this.clock = toMs(opts.startTime);
    const fleet = opts.fleet;
    const linkDefaults = { ...DEFAULT_CLIENT_LINK_KBPS, ...opts.clientLinkKbps };

    // Sites
    this.siteCodes = fleet.sites.map((s) => s.siteCode);
    this.siteCodes.forEach((c, i) => this.siteIdx.set(c, i));
    const ns = this.siteCodes.length;
    this.siteParent = new Int32Array(ns).fill(-1);
    this.siteChildren = Array.from({ length: ns }, () => []);
    this.siteOffsetMin = new Int32Array(ns);
    this.roots = [];
    fleet.sites.forEach((s, i) => {
      this.siteOffsetMin[i] = s.utcOffsetMinutes ?? 0;
      const p = s.parentSiteCode === null ? -1 : (this.siteIdx.get(s.parentSiteCode) ?? -1);
      this.siteParent[i] = p;
      if (p >= 0) this.siteChildren[p]?.push(i);
      else this.roots.push(i);
    });

    // DPs
    const dps = fleet.siteSystems.filter((s) => s.roles.includes("DP") && this.siteIdx.has(s.siteCode));
    this.dpServer = dps.map((d) => d.serverName);
    this.dpSite = Int32Array.from(dps, (d) => this.siteIdx.get(d.siteCode) ?? -1);
    this.dpCapacity = Float64Array.from(dps, (d) => d.capacityKbps ?? this.dpCapacityKbps);
    this.dpContentLink = Float64Array.from(dps, (d) => d.contentLinkKbps ?? 0);
    this.dpBusyUntil = new Float64Array(dps.length).fill(Number.NEGATIVE_INFINITY);
    this.dpOut = new Uint8Array(dps.length);
    this.dpEpoch = new Int32Array(dps.length);
    this.siteDps = Array.from({ length: ns }, () => []);
    this.siteLanDps = Array.from({ length: ns }, () => []);
    this.siteDp = new Int32Array(ns).fill(-1);
    const dpByName = new Map<string, number>();
    dps.forEach((d, k) => {
      dpByName.set(d.serverName, k);
      const s = this.dpSite[k] as number;
      this.siteDps[s]?.push(k);
      if (!d.contentLinkKbps) this.siteLanDps[s]?.push(k);
      // The site's main DP: the first one on the site LAN (not a branch DP behind a WAN link).
      if (this.siteDp[s] === -1 && !d.contentLinkKbps) this.siteDp[s] = k;
    });
    for (let s = 0; s < ns; s++) if (this.siteDp[s] === -1) this.siteDp[s] = this.siteDps[s]?.[0] ?? -1;

    // Boundaries
    const nb = fleet.boundaries.length;
    this.bSite = new Int32Array(nb);
    this.bFast = new Uint8Array(nb);
    this.bDp = new Int32Array(nb).fill(-1);
    this.bProtected = new Uint8Array(nb);
    this.bLinkKbps = new Float64Array(nb);
    this.bBusyUntil = new Float64Array(nb).fill(Number.NEGATIVE_INFINITY);
    fleet.boundaries.forEach((b, k) => {
      this.boundaryIdx.set(b.boundaryId, k);
      const s = this.siteIdx.get(b.siteCode) ?? -1;
      this.bSite[k] = s;
      this.bFast[k] = b.connection === "LOCAL_FAST" ? 1 : 0;
      this.bLinkKbps[k] = b.linkKbps ?? 0;
      const protectedDp = b.protectedDpServerNames?.map((n) => dpByName.get(n)).find((x) => x !== undefined);
      if (protectedDp !== undefined) {
        this.bDp[k] = protectedDp;
        this.bProtected[k] = 1;
      } else if (b.connection === "LOCAL_FAST" && s >= 0) this.bDp[k] = this.siteDp[s] as number;
    });

    // Addresses
    this.addresses = fleet.addresses;
    this.addresses.forEach((a, k) => {
      const s = this.siteIdx.get(a.siteCode);
      const d = this.siteIdx.get(a.destSiteCode);
      if (s === undefined || d === undefined) return;
      const key = `${s}>${d}`;
      const list = this.addrByPair.get(key) ?? [];
      list.push(k);
      this.addrByPair.set(key, list);
    });
    for (const list of this.addrByPair.values())
      list.sort((x, y) => (this.addresses[x]?.priorityOrder ?? 0) - (this.addresses[y]?.priorityOrder ?? 0));
    this.addrQueue = this.addresses.map(() => []);
    this.addrBusy = new Uint8Array(this.addresses.length);
    this.addrCurrent = new Int32Array(this.addresses.length).fill(-1);
    this.addrOut = new Uint8Array(this.addresses.length);
    this.addrEpoch = new Int32Array(this.addresses.length);
    this.addrHeldAdverts = this.addresses.map(() => []);

    // Computers
    const n = fleet.computers.length;
    this.n = n;
    this.cSite = new Int32Array(n);
    this.cBoundary = new Int32Array(n);
    this.cLegacy = new Uint8Array(n);
    this.cSlow = new Uint8Array(n);
    this.cLinkKbps = new Float64Array(n);
    this.cKey = new Uint32Array(n);
    this.cPhase = new Float64Array(n);
    this.cRepresents = new Float64Array(n);
    this.power = new PowerModel(this.seed, n);
    fleet.computers.forEach((c, i) => {
      const site = this.siteIdx.get(c.siteCode);
      if (site === undefined) throw new Error(`Computer ${c.name}: unknown site ${c.siteCode}`);
      this.resourceIdx.set(c.resourceId, i);
      this.cSite[i] = site;
      const bId = c.currentBoundaryId !== undefined ? c.currentBoundaryId : c.boundaryId;
      const b = bId === null ? -1 : (this.boundaryIdx.get(bId) ?? -1);
      this.cBoundary[i] = b;
      this.cLegacy[i] = c.clientType === "LEGACY" ? 1 : 0;
      this.cSlow[i] = b < 0 || this.bFast[b] === 0 || c.connectionProfile === "DIALUP" ? 1 : 0;
      this.cLinkKbps[i] = c.linkKbps ?? linkDefaults[c.connectionProfile];
      this.cKey[i] = c.resourceId >>> 0;
      this.cPhase[i] = hashFloat(this.seed, c.resourceId, 0x504f4c4c) * this.pollMs;
      this.cRepresents[i] = c.represents ?? 1;
      const power = c.power ?? { profile: defaultPowerProfile(c) };
      const offset = fleet.sites[site]?.utcOffsetMinutes ?? 0;
      this.power.set(i, power.profile, c.resourceId, power.offUntil ? Date.parse(power.offUntil) : null, offset);
    });
    this.collections = [...fleet.collections];
    for (const [updateId, resourceIds] of Object.entries(opts.installedUpdates ?? {}))
      this.setInstalled(updateId, resourceIds);
  }

  /** Current simulated time, epoch ms. */
  get now(): number {
    return this.clock;
  }

  // ---------------------------------------------------------------- workload API

  /**
   * Registers a package. `dpStoredVersions` (by DP server name) says which DPs already hold which
   * source version; a DP holding the current version starts INSTALLED.
   */
  addPackage(pkg: Package, opts: { dpStoredVersions?: Record<string, number> } = {}): void {
    if (this.packageIdx.has(pkg.packageId)) throw new Error(`Package ${pkg.packageId} already added`);
    const nd = this.dpServer.length;
    const rt: PkgRt = {
      pkg,
      idx: this.packages.length,
      siteHasAt: new Float64Array(this.siteCodes.length).fill(Number.POSITIVE_INFINITY),
      dpInstalledAt: new Float64Array(nd).fill(Number.POSITIVE_INFINITY),
      dpStored: new Int32Array(nd),
      dpState: new Uint8Array(nd),
      waiters: new Map(),
    };
    for (const [name, v] of Object.entries(opts.dpStoredVersions ?? {})) {
      const k = this.dpServer.indexOf(name);
      if (k < 0) continue;
      rt.dpStored[k] = v;
      if (v >= pkg.sourceVersion) {
        rt.dpInstalledAt[k] = Number.NEGATIVE_INFINITY;
        rt.dpState[k] = 3;
      }
    }
    this.packageIdx.set(pkg.packageId, rt.idx);
    this.packages.push(rt);
  }

  addProgram(program: Program): void {
    const key = `${program.packageId}|${program.programName}`;
    if (this.programs.has(key)) throw new Error(`Program ${key} already added`);
    const disabled = ProgramFlags.has(program.programFlags, "DISABLED");
    this.programs.set(key, {
      program,
      flags: program.programFlags,
      requestedFlags: program.programFlags >>> 0,
      disabledSince: disabled ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
    });
  }

  /**
   * Adds a collection the fleet did not have (e.g. one built in Firebreak from status data);
   * members the fleet does not know are ignored.
   */
  addCollection(collection: Collection): void {
    if (this.collections.some((c) => c.collectionId === collection.collectionId))
      throw new Error(`Collection ${collection.collectionId} already added`);
    this.collections.push(collection);
  }

  hasPackage(packageId: string): boolean {
    return this.packageIdx.has(packageId);
  }

  hasProgram(packageId: string, programName: string): boolean {
    return this.programs.has(`${packageId}|${programName}`);
  }

  hasAdvertisement(advertisementId: string): boolean {
    return this.advertIdx.has(advertisementId);
  }

  hasCollection(collectionId: string): boolean {
    return this.collections.some((c) => c.collectionId === collectionId);
  }

  /**
   * Says which computers have an update now (`installed: false` removes it), e.g. machines that
   * applied it before the simulation started. With `report`, each computer reports the new state
   * (INSTALLED / ROLLED_BACK) like after a run.
   */
  setInstalled(
    updateId: string,
    resourceIds: readonly number[],
    opts: { installed?: boolean; report?: boolean } = {},
  ): void {
    const installed = opts.installed ?? true;
    const list = this.presenceOf(updateId);
    const updateIds = [updateId];
    for (const r of resourceIds) {
      const i = this.resourceIdx.get(r);
      if (i === undefined) throw new Error(`Unknown resource ${r}`);
      list[i] = installed ? 1 : 0;
      if (opts.report) this.emitCompliance(i, updateIds, installed ? "INSTALLED" : "ROLLED_BACK", this.clock);
    }
  }

  isUpdatePresent(updateId: string, resourceId: number): boolean {
    const i = this.resourceIdx.get(resourceId);
    if (i === undefined) throw new Error(`Unknown resource ${resourceId}`);
    return this.present.get(updateId)?.[i] === 1;
  }

  /** Resource ids of the computers that have the update now. */
  listInstalled(updateId: string): number[] {
    const list = this.present.get(updateId);
    const out: number[] = [];
    if (!list) return out;
    for (let i = 0; i < this.n; i++) if (list[i]) out.push(this.fleet.computers[i]?.resourceId as number);
    return out;
  }

  /** Machines a bad update took down for good, in the order it happened. */
  listDegradedMachines(): DegradedMachine[] {
    return this.degraded.map((i) => ({
      resourceId: this.fleet.computers[i]?.resourceId as number,
      since: iso(this.power.downSince(i)),
    }));
  }

  /**
   * Sends a package to the DPs of `siteCodes` (default: every site below the package's source
   * site). `courierSiteCodes` get it by Courier Sender parcel instead of the network, as does
   * every hop when the package's preferred sender is COURIER.
   */
  distributePackage(
    packageId: string,
    opts: { at?: number | string | Date; siteCodes?: readonly string[]; courierSiteCodes?: readonly string[] } = {},
  ): void {
    const pi = this.packageIdx.get(packageId);
    if (pi === undefined) throw new Error(`Unknown package ${packageId}`);
    const ns = this.siteCodes.length;
    const targetSites = new Uint8Array(ns);
    if (opts.siteCodes) {
      for (const c of opts.siteCodes) {
        const s = this.siteIdx.get(c);
        if (s === undefined) throw new Error(`Unknown site ${c}`);
        targetSites[s] = 1;
      }
    } else targetSites.fill(1);
    const courier = new Uint8Array(ns);
    for (const c of opts.courierSiteCodes ?? []) {
      const s = this.siteIdx.get(c);
      if (s === undefined) throw new Error(`Unknown site ${c}`);
      courier[s] = 1;
    }
    const source = this.sourceSiteOf((this.packages[pi] as PkgRt).pkg);
    // Packages flow down from the source site; a site relays when anything below it needs the package.
    const needs = new Uint8Array(ns);
    const mark = (s: number): boolean => {
      let any = targetSites[s] === 1 && (this.siteDps[s]?.length ?? 0) > 0;
      for (const c of this.siteChildren[s] ?? []) if (mark(c)) any = true;
      if (any) needs[s] = 1;
      return any;
    };
    mark(source);
    needs[source] = 1;
    const dpTarget = new Uint8Array(this.dpServer.length);
    for (let k = 0; k < dpTarget.length; k++) {
      const s = this.dpSite[k] as number;
      if (needs[s] && targetSites[s]) dpTarget[k] = 1;
    }
    this.jobs.push({ pkgIdx: pi, needs, dpTarget, courier });
    this.q.push(
      Math.max(this.clock, opts.at === undefined ? this.clock : toMs(opts.at)),
      EV.DISTRIBUTE,
      this.jobs.length - 1,
      0,
    );
  }

  /** Targets the advertisement's collection; the advertisement replicates down the hierarchy from now on. */
  addAdvertisement(advert: Advertisement): void {
    if (this.advertIdx.has(advert.advertisementId))
      throw new Error(`Advertisement ${advert.advertisementId} already added`);
    const pi = this.packageIdx.get(advert.packageId);
    if (pi === undefined)
      throw new Error(`Advertisement ${advert.advertisementId}: unknown package ${advert.packageId}`);
    const prog = this.programs.get(`${advert.packageId}|${advert.programName}`);
    if (!prog) throw new Error(`Advertisement ${advert.advertisementId}: unknown program ${advert.programName}`);
    const targets = this.resolveCollection(advert.collectionId, advert.includeSubCollection);
    const bySiteLists: number[][] = Array.from({ length: this.siteCodes.length }, () => []);
    for (let j = 0; j < targets.length; j++) bySiteLists[this.cSite[targets[j] as number] as number]?.push(j);
    const nt = targets.length;
    const assignments = advert.assignedScheduleEnabled
      ? advert.assignedSchedule.map((t) => Date.parse(t.startTime))
      : [];
    const af = AdvertFlags.decode(advert.advertFlags).flags;
    const presentMs = Date.parse(advert.presentTime);
    const immediate = af.IMMEDIATE || af.ONUSERLOGON || af.ONUSERLOGOFF;
    const rt: AdvRt = {
      advert,
      idx: this.adverts.length,
      key: seedFromString(advert.advertisementId),
      pkg: this.packages[pi] as PkgRt,
      prog,
      targets,
      bySite: bySiteLists.map((l) => Int32Array.from(l)),
      siteArrivedAt: new Float64Array(this.siteCodes.length).fill(Number.POSITIVE_INFINITY),
      stage: new Uint8Array(nt),
      contentSource: new Uint8Array(nt),
      extraRunMs: new Float64Array(nt),
      chunkSpanMs: new Float64Array(nt),
      runContentEndsAt: new Float64Array(nt).fill(Number.NaN),
      exitCode: new Int32Array(nt),
      endMessageId: new Uint16Array(nt),
      succeededAt: new Float64Array(nt).fill(Number.NaN),
      runFlags: new Uint8Array(nt),
      degradeAfter: new Map(),
      degradeAtRestart: new Map(),
      degradePending: new Map(),
      presentMs,
      // ONUSERLOGON/LOGOFF are approximated as "at the next opportunity" like IMMEDIATE.
      mandatoryAtMs: immediate
        ? presentMs
        : assignments.length > 0
          ? Math.min(...assignments)
          : Number.POSITIVE_INFINITY,
      expiresMs: advert.expirationTime ? Date.parse(advert.expirationTime) : Number.POSITIVE_INFINITY,
    };
    this.advertIdx.set(advert.advertisementId, rt.idx);
    this.adverts.push(rt);
    const origin = this.siteIdx.get(advert.advertisementId.slice(0, 3)) ?? this.roots[0] ?? 0;
    this.q.push(this.clock, EV.ADVERT_AT_SITE, rt.idx, origin);
    // A rollback does not make the update required.
    if (this.emitRequired && rt.pkg.pkg.updateIds.length > 0 && prog.program.kind !== "ROLLBACK")
      this.q.push(Math.max(this.clock, presentMs), EV.REQUIRED_ROWS, rt.idx, 0);
  }

  /**
   * Changes a program's flags at `at` (default now), e.g. setting DISABLED to halt a release.
   * Each client sees the change at its next policy poll; runs already started finish.
   */
  setProgramFlags(packageId: string, programName: string, programFlags: number, at?: number | string | Date): void {
    const prog = this.programs.get(`${packageId}|${programName}`);
    if (!prog) throw new Error(`Unknown program ${packageId}|${programName}`);
    prog.requestedFlags = programFlags >>> 0;
    this.controls.push({ kind: "PROGRAM_FLAGS", prog, flags: programFlags >>> 0 });
    this.q.push(
      Math.max(this.clock, at === undefined ? this.clock : toMs(at)),
      EV.CONTROL,
      this.controls.length - 1,
      0,
    );
  }

  /** A program's flags as last set (by `addProgram` or `setProgramFlags`, even if not yet in effect). */
  getProgramFlags(packageId: string, programName: string): number {
    const prog = this.programs.get(`${packageId}|${programName}`);
    if (!prog) throw new Error(`Unknown program ${packageId}|${programName}`);
    return prog.requestedFlags;
  }

  /**
   * A distribution point fails (`down: true`) or comes back, at `at` (default now); without
   * `serverName`, the site's main DP. While down it serves and receives no content (its packages
   * report FAILED): a client that would use it takes another DP of the site, else — when the
   * advertisement lets clients without a local DP download or run from a remote one
   * (RemoteClientFlags) — the nearest DP up the hierarchy, else it waits for the DP. It comes back
   * with an empty content share: the site copies every package it should hold again.
   */
  setDistributionPointDown(
    siteCode: string,
    down: boolean,
    opts: { serverName?: string; at?: number | string | Date } = {},
  ): void {
    const s = this.siteIdx.get(siteCode);
    if (s === undefined) throw new Error(`Unknown site ${siteCode}`);
    const dp =
      opts.serverName === undefined
        ? (this.siteDp[s] as number)
        : this.dpServer.findIndex((n, k) => n === opts.serverName && this.dpSite[k] === s);
    if (dp < 0)
      throw new Error(`No distribution point ${opts.serverName ?? ""} at site ${siteCode}`.replace("  ", " "));
    this.controls.push({ kind: "DP_OUTAGE", dp, down });
    this.q.push(this.controlTime(opts.at), EV.CONTROL, this.controls.length - 1, 0);
  }

  /**
   * The link between two sites fails (`down: true`) or comes back, at `at` (default now): every
   * sender address between them, both ways. A transfer under way is interrupted and sent again
   * from the start when the link is back; queued packages and advertisements wait for it. Another
   * address to the same site (a lower-priority one) stands in while it is down.
   */
  setLinkDown(siteCode: string, destSiteCode: string, down: boolean, at?: number | string | Date): void {
    const s = this.siteIdx.get(siteCode);
    const d = this.siteIdx.get(destSiteCode);
    if (s === undefined) throw new Error(`Unknown site ${siteCode}`);
    if (d === undefined) throw new Error(`Unknown site ${destSiteCode}`);
    const addrs = [...(this.addrByPair.get(`${s}>${d}`) ?? []), ...(this.addrByPair.get(`${d}>${s}`) ?? [])];
    if (addrs.length === 0) throw new Error(`No sender address between ${siteCode} and ${destSiteCode}`);
    this.controls.push({ kind: "LINK_OUTAGE", addrs, down });
    this.q.push(this.controlTime(at), EV.CONTROL, this.controls.length - 1, 0);
  }

  isDistributionPointDown(serverName: string): boolean {
    const k = this.dpServer.indexOf(serverName);
    if (k < 0) throw new Error(`Unknown distribution point ${serverName}`);
    return this.dpOut[k] === 1;
  }

  /** Whether every sender address between the two sites (either way) is down. */
  isLinkDown(siteCode: string, destSiteCode: string): boolean {
    const s = this.siteIdx.get(siteCode);
    const d = this.siteIdx.get(destSiteCode);
    const addrs = [...(this.addrByPair.get(`${s}>${d}`) ?? []), ...(this.addrByPair.get(`${d}>${s}`) ?? [])];
    return addrs.length > 0 && addrs.every((k) => this.addrOut[k] === 1);
  }

  private controlTime(at: number | string | Date | undefined): number {
    return Math.max(this.clock, at === undefined ? this.clock : toMs(at));
  }

  // ---------------------------------------------------------------- running

  /** Plays every event up to and including `until` and returns what was reported in that window. */
  advance(until: number | string | Date, opts: { onProgress?: (p: SimProgress) => void } = {}): SimBatch {
    const untilMs = toMs(until);
    if (untilMs < this.clock)
      throw new RangeError(`Cannot advance backwards (now ${iso(this.clock)}, asked ${iso(untilMs)})`);
    const from = this.clock;
    const batch: SimBatch = {
      from: iso(from),
      until: iso(untilMs),
      statusMessages: [],
      compliance: [],
      dpStatus: [],
      eventsProcessed: 0,
    };
    this.out = batch;
    const progress = opts.onProgress ?? this.onProgress;
    const report = () =>
      progress?.({
        simTime: this.clock,
        from,
        until: untilMs,
        fraction: untilMs === from ? 1 : (this.clock - from) / (untilMs - from),
        eventsProcessed: this.eventsTotal,
        queued: this.q.size,
      });
    while (this.q.peekTime() <= untilMs) {
      this.q.pop();
      const t = this.q.popTime;
      if (t > this.clock) this.clock = t;
      this.dispatch(this.q.popKind, this.q.popA, this.q.popB, t);
      batch.eventsProcessed++;
      this.eventsTotal++;
      if (progress && this.eventsTotal % this.progressEvery === 0) report();
    }
    this.clock = untilMs;
    this.out = null;
    report();
    return batch;
  }

  /** Advances in steps of `stepMs` up to `until`, yielding one batch per step (feed an ingest API with them). */
  *batches(until: number | string | Date, stepMs: number): Generator<SimBatch> {
    const untilMs = toMs(until);
    if (!(stepMs > 0)) throw new RangeError("stepMs must be positive");
    while (this.clock < untilMs) yield this.advance(Math.min(this.clock + stepMs, untilMs));
  }

  /** Is this computer on and connected at `time`? (Same power model the engine plays.) */
  machineOnline(resourceId: number, time: number | string | Date): boolean {
    const i = this.resourceIdx.get(resourceId);
    if (i === undefined) throw new Error(`Unknown resource ${resourceId}`);
    return this.power.isOnline(i, toMs(time));
  }

  /** First instant at or after `time` when the computer is on, or +Infinity within the look-ahead. */
  machineNextOnline(resourceId: number, time: number | string | Date): number {
    const i = this.resourceIdx.get(resourceId);
    if (i === undefined) throw new Error(`Unknown resource ${resourceId}`);
    return this.power.nextOnline(i, toMs(time));
  }

  /** Each target's stage now and when it succeeded, in target order (copies; for forecasts and tests). */
  advertisementTargets(advertisementId: string): AdvertisementTargets {
    const a = this.advertIdx.get(advertisementId);
    if (a === undefined) throw new Error(`Unknown advertisement ${advertisementId}`);
    const rt = this.adverts[a] as AdvRt;
    return {
      resourceIds: Int32Array.from(rt.targets, (i) => this.fleet.computers[i]?.resourceId ?? 0),
      stages: rt.stage.slice(),
      succeededAt: rt.succeededAt.slice(),
      chunkSpanMs: rt.chunkSpanMs.slice(),
      runContentEndsAt: rt.runContentEndsAt.slice(),
    };
  }

  advertisementProgress(advertisementId: string): AdvertisementProgress {
    const a = this.advertIdx.get(advertisementId);
    if (a === undefined) throw new Error(`Unknown advertisement ${advertisementId}`);
    const rt = this.adverts[a] as AdvRt;
    const byStage = Object.fromEntries(CLIENT_STAGES.map((s) => [s, 0])) as Record<ClientStage, number>;
    for (let j = 0; j < rt.stage.length; j++) byStage[CLIENT_STAGES[rt.stage[j] as number] as ClientStage]++;
    return { advertisementId, targets: rt.targets.length, byStage };
  }

  stats(): SimStats {
    return {
      simTime: iso(this.clock),
      eventsProcessed: this.eventsTotal,
      queued: this.q.size,
      statusMessagesByMessageId: Object.fromEntries(
        [...this.msgCounts.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => [String(k), v]),
      ),
      complianceByState: Object.fromEntries(this.complianceCounts.entries()),
      dpInstalled: this.dpInstalledCount,
      stalledTransfers: this.stalled,
      unroutableHops: this.unroutable,
      degradedMachines: this.degraded.filter((i) => this.power.downSince(i) <= this.clock).length,
    };
  }

  // ---------------------------------------------------------------- dispatch

  private dispatch(kind: number, a: number, b: number, t: number): void {
    switch (kind) {
      case EV.DISTRIBUTE:
        return this.onDistribute(a, t);
      case EV.SITE_RECEIVED:
        return this.onSiteReceived(a, t);
      case EV.ADDRESS_DONE:
        return this.onAddressDone(a, b, t);
      case EV.DP_INSTALLED:
        return this.onDpInstalled(a, b, t);
      case EV.ADVERT_AT_SITE:
        return this.onAdvertAtSite(a, b, t);
      case EV.CLIENT_POLICY:
        return this.onClientPolicy(a, b, t);
      case EV.CLIENT_ASSIGNMENT:
        return this.onAssignment(a, b, t);
      case EV.RUN_START:
        return this.onRunStart(a, b, t);
      case EV.RUN_END:
        return this.onRunEnd(a, b, t);
      case EV.REBOOT_DONE:
        return this.onRebootDone(a, b, t);
      case EV.EMIT:
        return this.onEmit(a);
      case EV.CONTROL:
        return this.onControl(a, t);
      case EV.REQUIRED_ROWS:
        return this.onRequiredRows(a, t);
      case EV.DEGRADE:
        return this.onDegrade(a, b, t);
    }
  }

  // ---------------------------------------------------------------- distribution

  private sourceSiteOf(pkg: Package): number {
    return this.siteIdx.get(pkg.sourceSite ?? "") ?? this.siteIdx.get(pkg.packageId.slice(0, 3)) ?? this.roots[0] ?? 0;
  }

  private onDistribute(jobIdx: number, t: number): void {
    const job = this.jobs[jobIdx] as DistJob;
    const rt = this.packages[job.pkgIdx] as PkgRt;
    for (let k = 0; k < job.dpTarget.length; k++) {
      if (job.dpTarget[k] && rt.dpState[k] === 0) this.dpChange(rt, k, 1, "NETWORK", t);
    }
    const source = this.sourceSiteOf(rt.pkg);
    const first = this.newTransfer(jobIdx, source, rt.pkg.sendingPriority);
    this.q.push(t + this.processingMs, EV.SITE_RECEIVED, first.id, 0);
  }

  private onSiteReceived(tIdx: number, t: number): void {
    const tr = this.transfers[tIdx] as Transfer;
    const job = this.jobs[tr.jobIdx] as DistJob;
    const rt = this.packages[job.pkgIdx] as PkgRt;
    const s = tr.site;
    if ((rt.siteHasAt[s] as number) <= t) return;
    rt.siteHasAt[s] = t;
    for (const k of this.siteDps[s] ?? []) {
      if (!job.dpTarget[k] || (rt.dpState[k] as number) >= 3) continue;
      // A DP that is down gets its copy when it is back (dpBack).
      if (this.dpOut[k]) continue;
      if ((rt.dpState[k] as number) < 2) this.dpChange(rt, k, 2, tr.via, t);
      this.copyToDp(rt, k, t);
    }
    for (const c of this.siteChildren[s] ?? []) {
      if (!job.needs[c]) continue;
      if (rt.pkg.preferredSender === "COURIER" || job.courier[c]) {
        const parcel = this.newTransfer(tr.jobIdx, c, rt.pkg.sendingPriority);
        parcel.via = "COURIER_PARCEL";
        for (const k of this.siteDps[c] ?? [])
          if (job.dpTarget[k] && (rt.dpState[k] as number) < 2) this.dpChange(rt, k, 2, "COURIER_PARCEL", t);
        const transit =
          this.courierMin + (this.courierMax - this.courierMin) * hashFloat(this.seed, rt.idx, c, 0x434f5552);
        this.q.push(t + transit, EV.SITE_RECEIVED, parcel.id, 0);
        continue;
      }
      const addr = this.pickAddress(s, c, rt.pkg.preferredSender);
      if (addr < 0) {
        this.unroutable++;
        continue;
      }
      (this.addrQueue[addr] as Transfer[]).push(this.newTransfer(tr.jobIdx, c, rt.pkg.sendingPriority));
      if (!this.addrBusy[addr]) this.startNextTransfer(addr, t);
    }
  }

  private newTransfer(jobIdx: number, site: number, priority: SendingPriority): Transfer {
    const tr: Transfer = {
      id: this.transfers.length,
      jobIdx,
      site,
      via: "NETWORK",
      priorityRank: PRIORITY_RANK[priority],
      seq: this.transferSeq++,
    };
    this.transfers.push(tr);
    return tr;
  }

  /** Full package, or one delta when every DP at the destination is at most five versions behind [F:S16]. */
  private hopSizeKB(rt: PkgRt, dp: number, full: number): number {
    const stored = rt.dpStored[dp] as number;
    const behind = rt.pkg.sourceVersion - stored;
    if (stored > 0 && behind > 0 && behind <= 5 && rt.pkg.deltaSizeKB !== undefined)
      return Math.min(full, rt.pkg.deltaSizeKB * behind);
    return full;
  }

  private pickAddress(from: number, to: number, preferred: PreferredSender): number {
    const all = this.addrByPair.get(`${from}>${to}`);
    if (!all || all.length === 0) return -1;
    // An address whose link is down is skipped while another one to the site is up.
    const up = all.filter((k) => !this.addrOut[k]);
    const list = up.length > 0 ? up : all;
    if (preferred !== "NO_PREFERENCE" && preferred !== "COURIER") {
      const type = addressTypeForSender[preferred];
      const match = list.find((k) => this.addresses[k]?.addressType === type);
      if (match !== undefined) return match;
    }
    return list[0] as number;
  }

  /** Senders work one package at a time per address: highest sending priority first, then FIFO. */
  private startNextTransfer(addr: number, t: number): void {
    if (this.addrOut[addr]) {
      // The link is down: the queue waits for it (linkBack).
      this.addrBusy[addr] = 0;
      return;
    }
    const queue = this.addrQueue[addr] as Transfer[];
    const address = this.addresses[addr] as Address;
    const from = this.siteIdx.get(address.siteCode) ?? 0;
    while (queue.length > 0) {
      let best = 0;
      for (let i = 1; i < queue.length; i++) {
        const x = queue[i] as Transfer;
        const y = queue[best] as Transfer;
        if (x.priorityRank < y.priorityRank || (x.priorityRank === y.priorityRank && x.seq < y.seq)) best = i;
      }
      const tr = queue.splice(best, 1)[0] as Transfer;
      const job = this.jobs[tr.jobIdx] as DistJob;
      const rt = this.packages[job.pkgIdx] as PkgRt;
      const destDps = this.siteDps[tr.site] ?? [];
      for (const k of destDps)
        if (job.dpTarget[k] && (rt.dpState[k] as number) < 2) this.dpChange(rt, k, 2, "NETWORK", t);
      const sizeKB =
        destDps.length > 0 ? Math.max(...destDps.map((k) => this.hopSizeKB(rt, k, rt.pkg.sizeKB))) : rt.pkg.sizeKB;
      const secs = transferSeconds(
        sizeKB,
        { bandwidthKbps: address.bandwidthKbps, utcOffsetMinutes: this.siteOffsetMin[from] as number },
        rt.pkg.ignoreAddressSchedule ? null : address.usageSchedule,
        address.rateLimit,
        t,
        rt.pkg.sendingPriority,
      );
      if (!Number.isFinite(secs)) {
        // The address never opens for this priority: the job stays queued in SMS terms; it blocks nothing else here.
        this.stalled++;
        continue;
      }
      this.addrBusy[addr] = 1;
      this.addrCurrent[addr] = tr.id;
      this.q.push(t + secs * 1000, EV.ADDRESS_DONE, addr, this.addrEpoch[addr] as number);
      return;
    }
    this.addrBusy[addr] = 0;
  }

  private onAddressDone(addr: number, epoch: number, t: number): void {
    // A transfer the link lost when it went down: it is queued again (linkDown).
    if (epoch !== this.addrEpoch[addr]) return;
    const tIdx = this.addrCurrent[addr] as number;
    this.addrBusy[addr] = 0;
    this.addrCurrent[addr] = -1;
    if (tIdx >= 0) this.q.push(t + this.processingMs, EV.SITE_RECEIVED, tIdx, 0);
    this.startNextTransfer(addr, t);
  }

  private onDpInstalled(pkgIdx: number, dp: number, t: number): void {
    const rt = this.packages[pkgIdx] as PkgRt;
    // A copy the DP lost when it went down (or one to a DP that is down).
    const epoch = this.copyEpoch.get(pkgIdx * this.dpServer.length + dp);
    if (this.dpOut[dp] || (epoch !== undefined && epoch !== this.dpEpoch[dp])) return;
    if ((rt.dpState[dp] as number) >= 3) return;
    rt.dpInstalledAt[dp] = t;
    rt.dpStored[dp] = rt.pkg.sourceVersion;
    const s = this.dpSite[dp] as number;
    const viaCourier = this.transfersReachedByCourier(rt, s);
    this.dpChange(rt, dp, 3, viaCourier ? "COURIER_PARCEL" : "NETWORK", t);
    this.dpInstalledCount++;
    const waiting = rt.waiters.get(dp);
    if (!waiting) return;
    rt.waiters.delete(dp);
    for (let w = 0; w < waiting.length; w += 2) {
      const a = waiting[w] as number;
      const j = waiting[w + 1] as number;
      const i = (this.adverts[a] as AdvRt).targets[j] as number;
      // The client looks for content again on its next policy cycle.
      this.q.push(this.nextPollPoint(i, t), EV.CLIENT_ASSIGNMENT, a, j);
    }
  }

  private transfersReachedByCourier(rt: PkgRt, site: number): boolean {
    // The most recent transfer that delivered this package to the site decides the "via".
    for (let x = this.transfers.length - 1; x >= 0; x--) {
      const tr = this.transfers[x] as Transfer;
      if (tr.site === site && (this.jobs[tr.jobIdx] as DistJob).pkgIdx === rt.idx) return tr.via === "COURIER_PARCEL";
    }
    return false;
  }

  private dpChange(rt: PkgRt, dp: number, state: 1 | 2 | 3, via: DpDeliveryVia, t: number): void {
    rt.dpState[dp] = state;
    this.reportDp(rt, dp, state === 1 ? "PENDING" : state === 2 ? "IN_PROGRESS" : "INSTALLED", via, t);
  }

  private reportDp(rt: PkgRt, dp: number, state: DpState, via: DpDeliveryVia, t: number): void {
    this.out?.dpStatus.push({
      packageId: rt.pkg.packageId,
      siteCode: this.siteCodes[this.dpSite[dp] as number] as string,
      serverName: this.dpServer[dp] as string,
      storedVersion: rt.dpStored[dp] as number,
      state,
      via,
      time: iso(t),
    });
  }

  /** The site copies the package to one of its DPs (over the branch's WAN link for a branch DP). */
  private copyToDp(rt: PkgRt, dp: number, t: number): void {
    const linkKbps = (this.dpContentLink[dp] as number) || LOCAL_DP_COPY_KBPS;
    const copyMs = (this.hopSizeKB(rt, dp, rt.pkg.sizeKB) / (linkKbps * KB_PER_SECOND_PER_KBPS)) * 1000 + MIN;
    this.copyEpoch.set(rt.idx * this.dpServer.length + dp, this.dpEpoch[dp] as number);
    this.q.push(t + copyMs, EV.DP_INSTALLED, rt.idx, dp);
  }

  // ---------------------------------------------------------------- outages

  private dpDown(dp: number, t: number): void {
    if (this.dpOut[dp]) return;
    this.dpOut[dp] = 1;
    this.dpEpoch[dp] = (this.dpEpoch[dp] as number) + 1;
    for (const rt of this.packages) {
      if (rt.dpState[dp] === 0) continue;
      rt.dpInstalledAt[dp] = Number.POSITIVE_INFINITY;
      this.reportDp(rt, dp, "FAILED", "NETWORK", t);
    }
  }

  private dpBack(dp: number, t: number): void {
    if (!this.dpOut[dp]) return;
    this.dpOut[dp] = 0;
    const s = this.dpSite[dp] as number;
    for (const rt of this.packages) {
      if (rt.dpState[dp] === 0) continue;
      // Back with an empty content share: the site copies the package again once it holds it.
      rt.dpStored[dp] = 0;
      rt.dpInstalledAt[dp] = Number.POSITIVE_INFINITY;
      if ((rt.siteHasAt[s] as number) <= t) {
        this.dpChange(rt, dp, 2, "NETWORK", t);
        this.copyToDp(rt, dp, t);
      } else this.dpChange(rt, dp, 1, "NETWORK", t);
    }
    const waiting = this.dpOutWaiters.get(dp);
    if (!waiting) return;
    this.dpOutWaiters.delete(dp);
    for (let w = 0; w < waiting.length; w += 2) {
      const a = waiting[w] as number;
      const j = waiting[w + 1] as number;
      const i = (this.adverts[a] as AdvRt).targets[j] as number;
      this.q.push(this.nextPollPoint(i, t), EV.CLIENT_ASSIGNMENT, a, j);
    }
  }

  private linkDown(addrs: readonly number[]): void {
    for (const addr of addrs) {
      if (this.addrOut[addr]) continue;
      this.addrOut[addr] = 1;
      this.addrEpoch[addr] = (this.addrEpoch[addr] as number) + 1;
      const current = this.addrCurrent[addr] as number;
      if (current >= 0) (this.addrQueue[addr] as Transfer[]).push(this.transfers[current] as Transfer);
      this.addrCurrent[addr] = -1;
      this.addrBusy[addr] = 0;
    }
  }

  private linkBack(addrs: readonly number[], t: number): void {
    for (const addr of addrs) {
      if (!this.addrOut[addr]) continue;
      this.addrOut[addr] = 0;
      if (!this.addrBusy[addr]) this.startNextTransfer(addr, t);
      const held = this.addrHeldAdverts[addr] as number[];
      this.addrHeldAdverts[addr] = [];
      for (let x = 0; x < held.length; x += 2) this.sendAdvertHop(held[x] as number, addr, held[x + 1] as number, t);
    }
  }

  /**
   * Another DP for a client whose DP is down: one of the same site, else — for a client that may
   * use a remote DP — the nearest DP up the hierarchy; -1 = none, it waits.
   */
  private dpInstead(
    dp: number,
    local: boolean,
    legacy: boolean,
    remoteClientFlags: number,
  ): { dp: number; remote: boolean } {
    const s = this.dpSite[dp] as number;
    for (const k of this.siteDps[s] ?? []) if (!this.dpOut[k]) return { dp: k, remote: false };
    const mayGoRemote = !local || (!legacy && noLocalDpModeOf(remoteClientFlags) !== "DONT_RUN");
    if (!mayGoRemote) return { dp: -1, remote: false };
    for (let p = this.siteParent[s] as number; p >= 0; p = this.siteParent[p] as number) {
      for (const k of this.siteDps[p] ?? []) if (!this.dpOut[k]) return { dp: k, remote: true };
    }
    return { dp: -1, remote: false };
  }

  // ---------------------------------------------------------------- clients

  private resolveCollection(collectionId: string, includeSub: boolean): Int32Array {
    const byId = new Map(this.collections.map((c) => [c.collectionId, c]));
    if (!byId.has(collectionId)) throw new Error(`Unknown collection ${collectionId}`);
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
        for (const child of this.collections) if (child.parentCollectionId === id) visit(child.collectionId);
    };
    visit(collectionId);
    const idx: number[] = [];
    for (const r of members) {
      const i = this.resourceIdx.get(r);
      if (i !== undefined) idx.push(i);
    }
    idx.sort((x, y) => x - y);
    return Int32Array.from(idx);
  }

  /** First policy poll at or after t (each client has its own phase in the polling cycle). */
  private nextPollPoint(i: number, t: number): number {
    const phase = this.cPhase[i] as number;
    const d = (((phase - t) % this.pollMs) + this.pollMs) % this.pollMs;
    return t + d;
  }

  /** A client asks for policy a few minutes after it starts. */
  private startupDelay(i: number, t: number): number {
    return (2 + 6 * hashFloat(this.seed, this.cKey[i] as number, Math.floor(t / MIN), 0x53545254)) * MIN;
  }

  /** When the client next picks up policy at or after T: its next poll if it stays on, else shortly after its next start-up. */
  private policyReceipt(i: number, T: number): number {
    const p = this.power;
    if (!p.find(i, T)) return Number.POSITIVE_INFINITY;
    let s = p.outStart;
    let e = p.outEnd;
    if (s <= T) {
      const poll = this.nextPollPoint(i, T);
      if (poll < e) return Math.round(poll);
      if (!p.find(i, e)) return Number.POSITIVE_INFINITY;
      s = p.outStart;
      e = p.outEnd;
    }
    return Math.round(Math.min(s + this.startupDelay(i, s), (s + e) / 2));
  }

  private isDisabledFor(i: number, prog: ProgRt, t: number): boolean {
    if (prog.disabledSince > t) return false;
    if (prog.disabledSince === Number.NEGATIVE_INFINITY) return true;
    return this.nextPollPoint(i, prog.disabledSince) <= t;
  }

  private onAdvertAtSite(a: number, s: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    if ((rt.siteArrivedAt[s] as number) <= t) return;
    rt.siteArrivedAt[s] = t;
    const T = Math.max(t, rt.presentMs);
    const list = rt.bySite[s] as Int32Array;
    for (let x = 0; x < list.length; x++) {
      const j = list[x] as number;
      if (rt.stage[j] !== ST.AWAITING_POLICY) continue;
      const r = this.policyReceipt(rt.targets[j] as number, T);
      if (Number.isFinite(r)) this.q.push(r, EV.CLIENT_POLICY, a, j);
      else rt.stage[j] = ST.UNREACHABLE;
    }
    // Replicate the advertisement to child sites with its priority, through the address schedule.
    for (const c of this.siteChildren[s] ?? []) {
      const addr = this.pickAddress(s, c, "NO_PREFERENCE");
      if (addr < 0) {
        this.unroutable++;
        continue;
      }
      if (this.addrOut[addr]) {
        // The link is down: the advertisement crosses it when it is back (linkBack).
        (this.addrHeldAdverts[addr] as number[]).push(a, c);
        continue;
      }
      this.sendAdvertHop(a, addr, c, t);
    }
  }

  /** The advertisement object travels to a child site through the address schedule, with its own priority. */
  private sendAdvertHop(a: number, addr: number, c: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const address = this.addresses[addr] as Address;
    const from = this.siteIdx.get(address.siteCode) ?? 0;
    const secs = transferSeconds(
      ADVERT_OBJECT_KB,
      { bandwidthKbps: address.bandwidthKbps, utcOffsetMinutes: this.siteOffsetMin[from] as number },
      address.usageSchedule,
      address.rateLimit,
      t,
      sendingPriorityOfAdvert[rt.advert.priority],
    );
    if (Number.isFinite(secs)) this.q.push(t + secs * 1000 + this.processingMs, EV.ADVERT_AT_SITE, a, c);
  }

  private onClientPolicy(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    if (rt.stage[j] !== ST.AWAITING_POLICY && rt.stage[j] !== ST.UNREACHABLE) return;
    const i = rt.targets[j] as number;
    if (this.isDown(i, t)) {
      rt.stage[j] = ST.UNREACHABLE;
      return;
    }
    rt.stage[j] = ST.RECEIVED;
    this.emitStatus(i, a, STATUS_MESSAGE_IDS.RECEIVED, t, undefined);
    if (t >= rt.expiresMs) {
      rt.stage[j] = ST.EXPIRED;
      return;
    }
    if (this.isDisabledFor(i, rt.prog, t)) {
      rt.stage[j] = ST.HALTED;
      return;
    }
    const decision = mandatoryRunDecision(rt.advert, ProgramFlags.with(rt.prog.flags, "DISABLED", false), {
      clientType: this.cLegacy[i] ? "LEGACY" : "ADVANCED",
      slowLink: this.cSlow[i] === 1,
    });
    if (!decision.run) {
      rt.stage[j] =
        decision.reason === "NOT_MANDATORY_OVER_SLOW_LINKS"
          ? ST.NOT_FORCED_SLOW_LINK
          : decision.reason === "NO_LOCAL_DP"
            ? ST.NO_LOCAL_DP
            : decision.reason === "PROGRAM_DISABLED"
              ? ST.HALTED
              : ST.NOT_MANDATORY;
      return;
    }
    rt.contentSource[j] = CONTENT_SOURCES.indexOf(decision.contentSource);
    const runAt = Math.max(t, rt.mandatoryAtMs);
    if (runAt >= rt.expiresMs) {
      rt.stage[j] = ST.EXPIRED;
      return;
    }
    rt.stage[j] = ST.SCHEDULED;
    if (runAt > t) this.q.push(runAt, EV.CLIENT_ASSIGNMENT, a, j);
    else this.onAssignment(a, j, t);
  }

  private onAssignment(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const stage = rt.stage[j] as number;
    if (stage !== ST.SCHEDULED && stage !== ST.WAITING_CONTENT) return;
    const i = rt.targets[j] as number;
    if (t >= rt.expiresMs) {
      rt.stage[j] = ST.EXPIRED;
      return;
    }
    if (this.isDisabledFor(i, rt.prog, t)) {
      rt.stage[j] = ST.HALTED;
      return;
    }
    if (!this.power.isOnline(i, t)) {
      // A missed mandatory assignment runs when the machine is back.
      const on = this.power.nextOnline(i, t);
      if (Number.isFinite(on)) this.q.push(Math.round(on + this.startupDelay(i, on)), EV.CLIENT_ASSIGNMENT, a, j);
      else rt.stage[j] = ST.UNREACHABLE;
      return;
    }
    let source = CONTENT_SOURCES[rt.contentSource[j] as number] as ContentSource;
    let local = source === "LOCAL_DP_RUN" || source === "LOCAL_DP_DOWNLOAD";
    const b = this.cBoundary[i] as number;
    let dp = -1;
    if (local && b >= 0) {
      dp = this.bDp[b] as number;
      const lanDps = this.siteLanDps[this.bSite[b] as number] ?? [];
      if (!this.bProtected[b] && lanDps.length > 1) dp = lanDps[(this.cKey[i] as number) % lanDps.length] as number;
    }
    if (dp < 0) dp = this.siteDp[this.cSite[i] as number] as number;
    if (dp < 0) {
      rt.stage[j] = ST.NO_DP;
      return;
    }
    if (this.dpOut[dp]) {
      const instead = this.dpInstead(dp, local, this.cLegacy[i] === 1, rt.advert.remoteClientFlags);
      if (instead.dp < 0) {
        // Nowhere else to get the content: wait for the DP (dpBack).
        rt.stage[j] = ST.WAITING_CONTENT;
        const list = this.dpOutWaiters.get(dp) ?? [];
        list.push(a, j);
        this.dpOutWaiters.set(dp, list);
        return;
      }
      dp = instead.dp;
      if (instead.remote && local) {
        local = false;
        source = noLocalDpModeOf(rt.advert.remoteClientFlags) === "RUN_REMOTE" ? "REMOTE_DP_RUN" : "REMOTE_DP_DOWNLOAD";
      }
    }
    const pkg = rt.pkg;
    if ((pkg.dpInstalledAt[dp] as number) > t) {
      rt.stage[j] = ST.WAITING_CONTENT;
      const list = pkg.waiters.get(dp) ?? [];
      list.push(a, j);
      pkg.waiters.set(dp, list);
      return;
    }
    // Content path: a local DP's capacity is shared FIFO; a branch's WAN link is shared FIFO; otherwise the client's own link.
    const sizeKB = pkg.pkg.sizeKB;
    let start = t;
    let kbps: number;
    rt.chunkSpanMs[j] = 0;
    if (local) {
      kbps = Math.min(this.cLinkKbps[i] as number, this.dpCapacity[dp] as number);
      const ms = (sizeKB / (kbps * KB_PER_SECOND_PER_KBPS)) * 1000;
      start = Math.max(t, this.dpBusyUntil[dp] as number);
      this.dpBusyUntil[dp] = start + ms * (this.cRepresents[i] as number);
      rt.chunkSpanMs[j] = ms * ((this.cRepresents[i] as number) - 1);
    } else if (b >= 0 && (this.bLinkKbps[b] as number) > 0) {
      kbps = Math.min(this.bLinkKbps[b] as number, this.cLinkKbps[i] as number);
      const ms = (sizeKB / (kbps * KB_PER_SECOND_PER_KBPS)) * 1000;
      start = Math.max(t, this.bBusyUntil[b] as number);
      this.bBusyUntil[b] = start + ms * (this.cRepresents[i] as number);
      rt.chunkSpanMs[j] = ms * ((this.cRepresents[i] as number) - 1);
    } else {
      kbps = this.cLinkKbps[i] as number;
    }
    const transferMs = (sizeKB / (kbps * KB_PER_SECOND_PER_KBPS)) * 1000;
    if (source === "LOCAL_DP_DOWNLOAD" || source === "REMOTE_DP_DOWNLOAD") {
      rt.runContentEndsAt[j] = Number.NaN;
      rt.stage[j] = ST.DOWNLOADING;
      const done = this.power.accumulate(i, start, transferMs);
      if (Number.isFinite(done)) this.q.push(Math.round(done), EV.RUN_START, a, j);
      return;
    }
    // Run from the DP: the program reads its files over the link while it runs.
    rt.extraRunMs[j] = start - t + transferMs;
    rt.runContentEndsAt[j] = start + transferMs;
    this.onRunStart(a, j, t);
  }

  private onRunStart(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const i = rt.targets[j] as number;
    const stage = rt.stage[j] as number;
    if (stage !== ST.SCHEDULED && stage !== ST.DOWNLOADING && stage !== ST.WAITING_CONTENT) return;
    if (this.isDown(i, t)) {
      rt.stage[j] = ST.UNREACHABLE;
      return;
    }
    if (this.isDisabledFor(i, rt.prog, t)) {
      rt.stage[j] = ST.HALTED;
      return;
    }
    if (t >= rt.expiresMs) {
      rt.stage[j] = ST.EXPIRED;
      return;
    }
    rt.stage[j] = ST.RUNNING;
    rt.runFlags[j] = 0;
    rt.degradeAfter.delete(j);
    rt.degradeAtRestart.delete(j);
    this.emitStatus(i, a, STATUS_MESSAGE_IDS.PROGRAM_STARTED, t, undefined);
    const program = rt.prog.program;
    const updateIds = rt.pkg.pkg.updateIds;
    const updatePresent = updateIds.some((u) => this.present.get(u)?.[i] === 1);
    const key = this.cKey[i] as number;
    if (program.kind === "ROLLBACK" && !updatePresent) {
      // Nothing to remove: a checking program exits 0 at once; a plain uninstall fails.
      const runMs = (5 + 25 * hashFloat(this.seed, key, rt.key, 0x52424e50)) * 1000;
      if (program.checksUpdatePresent) {
        rt.runFlags[j] = RUN_NO_CHANGE;
        rt.exitCode[j] = EXIT_CODES.SUCCESS;
        rt.endMessageId[j] = STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED;
      } else {
        rt.exitCode[j] = UPDATE_NOT_INSTALLED_EXIT_CODE;
        rt.endMessageId[j] = STATUS_MESSAGE_IDS.PROGRAM_FAILED;
      }
      this.q.push(Math.round(t + (rt.extraRunMs[j] as number) + runMs), EV.RUN_END, a, j);
      return;
    }
    const c = this.fleet.computers[i];
    const seed = this.seed;
    const result = this.outcome.decide({
      resourceId: key,
      machineName: c?.name ?? "",
      siteCode: c?.siteCode ?? "",
      os: c?.os ?? "",
      clientType: this.cLegacy[i] ? "LEGACY" : "ADVANCED",
      advertisementId: rt.advert.advertisementId,
      packageId: rt.advert.packageId,
      programName: rt.advert.programName,
      programKind: program.kind,
      updateIds,
      updatePresent,
      startedAt: t,
      random: (salt) => hashFloat(seed, key, hash32(rt.key, 0x4f555443), salt),
    });
    rt.exitCode[j] = result.exitCode;
    rt.endMessageId[j] = result.messageId;
    if (result.degradeAfterMs !== undefined) rt.degradeAfter.set(j, result.degradeAfterMs);
    this.q.push(Math.round(t + (rt.extraRunMs[j] as number) + result.runMs), EV.RUN_END, a, j);
  }

  private onRunEnd(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const i = rt.targets[j] as number;
    if (this.isDown(i, t)) {
      // Another update took the machine down while this program ran.
      rt.stage[j] = ST.UNREACHABLE;
      return;
    }
    const messageId = rt.endMessageId[j] as number;
    const exitCode = rt.exitCode[j] as number;
    const statusAt = this.emitStatus(i, a, messageId, t, exitCode);
    const success =
      messageId === STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED || messageId === STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED_MIF;
    const rollback = rt.prog.program.kind === "ROLLBACK";
    const updateIds = rt.pkg.pkg.updateIds;
    if (!success) {
      rt.stage[j] = ST.FAILED;
      // A failed uninstall leaves the update as it was: no compliance change.
      if (!rollback) this.emitCompliance(i, updateIds, "FAILED", t);
      return;
    }
    rt.stage[j] = ST.SUCCEEDED;
    rt.succeededAt[j] = t;
    if ((rt.runFlags[j] as number) & RUN_NO_CHANGE) return;
    for (const u of updateIds) this.presenceOf(u)[i] = rollback ? 0 : 1;
    const degradeMs = rt.degradeAfter.get(j);
    if (exitCode !== EXIT_CODES.SUCCESS_REBOOT_REQUIRED) {
      const complianceAt = this.emitCompliance(i, updateIds, rollback ? "ROLLED_BACK" : "INSTALLED", t);
      // It crashes later — unless the update is gone by then (a rollback came first): see onDegrade.
      if (degradeMs !== undefined) {
        rt.degradePending.set(j, Math.max(statusAt, complianceAt));
        this.q.push(Math.round(t + degradeMs), EV.DEGRADE, a, j);
      }
      return;
    }
    const complianceAt = this.emitCompliance(i, updateIds, "INSTALLED_PENDING_REBOOT", t);
    let rebootAt: number;
    if (ProgramFlags.has(rt.prog.flags, "OKTOREBOOT") || ProgramFlags.has(rt.prog.flags, "OKTOQUIT")) {
      rebootAt = t + (2 + 3 * hashFloat(this.seed, this.cKey[i] as number, rt.key, 0x52425431)) * MIN;
    } else {
      // The user restarts eventually: at the next power cycle, or within 4–72 h on machines left on.
      const userRestart = t + (4 + 68 * hashFloat(this.seed, this.cKey[i] as number, rt.key, 0x52425432)) * HOUR;
      const cycle = this.power.nextRestart(i, t);
      rebootAt = Math.min(userRestart, Number.isFinite(cycle) ? cycle + 2 * MIN : userRestart);
    }
    // It crashes at the restart that would finish the install (unless a rollback comes first).
    if (degradeMs !== undefined) rt.degradeAtRestart.set(j, Math.max(statusAt, complianceAt));
    this.q.push(Math.round(rebootAt), EV.REBOOT_DONE, a, j);
  }

  private onRebootDone(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const i = rt.targets[j] as number;
    if (this.isDown(i, t)) return;
    const rollback = rt.prog.program.kind === "ROLLBACK";
    const updateIds = rt.pkg.pkg.updateIds;
    // Another program may have changed the update since (e.g. removed it before the restart).
    const present = updateIds.some((u) => this.present.get(u)?.[i] === 1);
    if (present === rollback) return;
    const reportedBy = rt.degradeAtRestart.get(j);
    if (reportedBy !== undefined) {
      this.degrade(i, t, reportedBy);
      return;
    }
    this.emitCompliance(i, updateIds, rollback ? "ROLLED_BACK" : "INSTALLED", t);
  }

  /** The crash an exit-0 bad install scheduled: only if the update it installed is still there. */
  private onDegrade(a: number, j: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    const i = rt.targets[j] as number;
    const reportedBy = rt.degradePending.get(j);
    rt.degradePending.delete(j);
    if (reportedBy === undefined || this.isDown(i, t)) return;
    if (!rt.pkg.pkg.updateIds.some((u) => this.present.get(u)?.[i] === 1)) return;
    this.degrade(i, t, reportedBy);
  }

  /**
   * Takes a machine off-line for good from `at`, but not before what it already queued has been
   * reported (`reportedBy`): the success of the bad install reaches the server.
   */
  private degrade(i: number, at: number, reportedBy: number): void {
    if (Number.isFinite(this.power.downSince(i))) return;
    const down = Math.round(Number.isFinite(reportedBy) ? Math.max(at, reportedBy + MIN) : at);
    this.power.setDownFrom(i, down);
    this.degraded.push(i);
  }

  private isDown(i: number, t: number): boolean {
    return t >= this.power.downSince(i);
  }

  private presenceOf(updateId: string): Uint8Array {
    let list = this.present.get(updateId);
    if (!list) {
      list = new Uint8Array(this.n);
      this.present.set(updateId, list);
    }
    return list;
  }

  private onRequiredRows(a: number, t: number): void {
    const rt = this.adverts[a] as AdvRt;
    if (!this.out) return;
    const when = iso(t);
    for (let j = 0; j < rt.targets.length; j++) {
      const c = this.fleet.computers[rt.targets[j] as number];
      if (!c) continue;
      for (const updateId of rt.pkg.pkg.updateIds) {
        this.out.compliance.push({
          resourceId: c.resourceId,
          siteCode: c.siteCode,
          updateId,
          state: "REQUIRED",
          time: when,
          reportedAt: when,
        });
        this.complianceCounts.set("REQUIRED", (this.complianceCounts.get("REQUIRED") ?? 0) + 1);
      }
    }
  }

  private onControl(idx: number, t: number): void {
    const c = this.controls[idx];
    if (!c) return;
    if (c.kind === "DP_OUTAGE") return c.down ? this.dpDown(c.dp, t) : this.dpBack(c.dp, t);
    if (c.kind === "LINK_OUTAGE") return c.down ? this.linkDown(c.addrs) : this.linkBack(c.addrs, t);
    const wasDisabled = ProgramFlags.has(c.prog.flags, "DISABLED");
    c.prog.flags = c.flags;
    const nowDisabled = ProgramFlags.has(c.flags, "DISABLED");
    if (nowDisabled && !wasDisabled) c.prog.disabledSince = t;
    if (!nowDisabled) c.prog.disabledSince = Number.POSITIVE_INFINITY;
  }

  // ---------------------------------------------------------------- reporting

  /**
   * When a client event reaches the server: a few minutes later if the machine stays on, else a
   * few minutes after it is next on. The message keeps the event time.
   */
  private reportTime(i: number, t: number, salt: number): number {
    const key = this.cKey[i] as number;
    const delay =
      this.uploadMin + (this.uploadMax - this.uploadMin) * hashFloat(this.seed, key, Math.floor(t / 1000), salt);
    const until = this.power.onlineUntil(i, t);
    if (t + delay <= until) return Math.round(t + delay);
    // Queued on the client; sent soon after it is next on, within that session.
    const back = this.power.nextOnline(i, Math.max(t, until) + 1);
    if (!Number.isFinite(back)) return Number.POSITIVE_INFINITY;
    const sessionEnd = this.power.outEnd;
    return Math.round(back + Math.min(this.startupDelay(i, back), (sessionEnd - back) / 2));
  }

  /** Parks an outgoing record until its report time; slots are reused so memory follows what is in flight. */
  private park(p: Pending, at: number): void {
    if (!Number.isFinite(at) || !this.emitReports) return; // never comes back within the look-ahead, or not reporting
    const slot = this.freePending.pop();
    if (slot === undefined) {
      this.pending.push(p);
      this.q.push(at, EV.EMIT, this.pending.length - 1, 0);
    } else {
      this.pending[slot] = p;
      this.q.push(at, EV.EMIT, slot, 0);
    }
  }

  /** Returns when the message will be reported (+Infinity if never). */
  private emitStatus(i: number, a: number, messageId: number, t: number, exitCode: number | undefined): number {
    const at = this.reportTime(i, t, messageId);
    this.park({ k: 0, c: i, adv: a, messageId, time: t, exitCode }, at);
    return at;
  }

  private emitCompliance(i: number, updateIds: readonly string[], state: ComplianceState, t: number): number {
    const at = this.reportTime(i, t, 0x434f4d50);
    this.park({ k: 1, c: i, updateIds, state, time: t }, at);
    return at;
  }

  private onEmit(idx: number): void {
    const p = this.pending[idx];
    this.pending[idx] = undefined;
    this.freePending.push(idx);
    if (!p || !this.out) return;
    const c = this.fleet.computers[p.c];
    // Queued before the machine went down for good: never sent.
    if (!c || this.isDown(p.c, this.clock)) return;
    const reportedAt = iso(this.clock);
    if (p.k === 0) {
      const m: SimStatusMessage = {
        messageId: p.messageId,
        machineName: c.name,
        resourceId: c.resourceId,
        siteCode: c.siteCode,
        advertisementId: (this.adverts[p.adv] as AdvRt).advert.advertisementId,
        time: iso(p.time),
        reportedAt,
      };
      if (p.exitCode !== undefined) m.exitCode = p.exitCode;
      this.out.statusMessages.push(m);
      this.msgCounts.set(p.messageId, (this.msgCounts.get(p.messageId) ?? 0) + 1);
    } else {
      for (const updateId of p.updateIds) {
        this.out.compliance.push({
          resourceId: c.resourceId,
          siteCode: c.siteCode,
          updateId,
          state: p.state,
          time: iso(p.time),
          reportedAt,
        });
        this.complianceCounts.set(p.state, (this.complianceCounts.get(p.state) ?? 0) + 1);
      }
    }
  }
}

export const createSimulation = (opts: SimulationOptions): Simulation => new Simulation(opts);

/** Is this advertisement mandatory with ONSLOWNET (the emergency setting)? Convenience for callers. */
export const isEmergencyAdvert = (a: Advertisement): boolean =>
  isMandatory(a) && AdvertFlags.has(a.advertFlags, "ONSLOWNET");
