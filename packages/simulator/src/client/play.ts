import {
  MAX_INGEST_ROWS,
  type Advertisement,
  type AdvertisementRecord,
  type ComplianceBatch,
  type DpStatusBatch,
  type FleetImport,
  type FleetImportResult,
  type IngestResult,
  type Package,
  type Program,
  type StatusBatch,
} from "@firebreak/domain";
import type { SimBatch, Simulation } from "../engine.js";
import type { FleetDescription } from "../fleet.js";
import { createBadUpdateScenario, type BadUpdateScenarioOptions, type Release } from "../scenarios.js";
import { isApiCode, type FirebreakApi } from "./firebreak-client.js";
import {
  onlineRatios,
  toAdvertisement,
  toCollection,
  toImportComputer,
  toImportSiteSystem,
  toPackage,
  toProgram,
  type OnlineRatioOptions,
} from "./mapping.js";

/**
 * Plays the simulator into Firebreak through its public API, like a real SMS site would feed it:
 * the hierarchy and computers through the bulk import, the release through the package, program
 * and advertisement endpoints, and what the clients report through the ingest endpoints a status
 * forwarder uses — never the database.
 */

/** The import API's per-call limits (FleetImportSchema). */
export const IMPORT_LIMITS = {
  sites: 500,
  siteSystems: 5000,
  boundaries: 5000,
  senderAddresses: 2000,
  computers: 20_000,
  collections: 500,
} as const;

export interface ImportProgress {
  phase: "hierarchy" | "computers" | "collections" | "done";
  calls: number;
  computersDone: number;
  computersTotal: number;
}

export interface ImportOptions extends OnlineRatioOptions {
  /** Computers per import call; at most 20,000 (the API's limit). */
  computersPerCall?: number;
}

export interface ImportSummary extends FleetImportResult {
  calls: number;
}

const chunk = <T>(xs: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
};

const SITE_RANK = { CENTRAL: 0, PRIMARY: 1, SECONDARY: 2 } as const;

/**
 * Writes a fleet through POST /api/fleets/:fleet/import: first the hierarchy (sites parents
 * first, site systems, boundaries, sender addresses), then the computers in chunks of at most
 * 20,000, then the collections with their evaluated members (which must name imported
 * computers). The import is an idempotent upsert, so running it again changes nothing.
 */
export async function importFleet(
  client: FirebreakApi,
  fleet: FleetDescription,
  onProgress?: (p: ImportProgress) => void,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const perCall = Math.min(opts.computersPerCall ?? IMPORT_LIMITS.computers, IMPORT_LIMITS.computers);
  if (!(perCall >= 1)) throw new RangeError("computersPerCall must be at least 1");
  const total: ImportSummary = {
    sites: 0,
    siteSystems: 0,
    boundaries: 0,
    senderAddresses: 0,
    computers: 0,
    collections: 0,
    calls: 0,
  };
  const progress: ImportProgress = {
    phase: "hierarchy",
    calls: 0,
    computersDone: 0,
    computersTotal: fleet.computers.length,
  };
  const send = async (body: FleetImport) => {
    const r = await client.importFleet(body);
    total.calls++;
    progress.calls++;
    total.sites += r.sites;
    total.siteSystems += r.siteSystems;
    total.boundaries += r.boundaries;
    total.senderAddresses += r.senderAddresses;
    total.computers += r.computers;
    total.collections += r.collections;
    return r;
  };

  // 1. Hierarchy. Parents before children, also across calls.
  onProgress?.({ ...progress });
  const sites = chunk(
    [...fleet.sites].sort((a, b) => SITE_RANK[a.type] - SITE_RANK[b.type]),
    IMPORT_LIMITS.sites,
  );
  const siteSystems = chunk(fleet.siteSystems.map(toImportSiteSystem), IMPORT_LIMITS.siteSystems);
  const boundaries = chunk(fleet.boundaries, IMPORT_LIMITS.boundaries);
  const addresses = chunk(fleet.addresses, IMPORT_LIMITS.senderAddresses);
  const hierarchyCalls = Math.max(sites.length, siteSystems.length, boundaries.length, addresses.length);
  for (let k = 0; k < hierarchyCalls; k++) {
    const body: FleetImport = {};
    if (sites[k]) body.sites = sites[k];
    if (siteSystems[k]) body.siteSystems = siteSystems[k];
    if (boundaries[k]) body.boundaries = boundaries[k];
    if (addresses[k]) body.senderAddresses = addresses[k];
    await send(body);
    onProgress?.({ ...progress });
  }

  // 2. Computers, with the on-line share derived from their power pattern.
  progress.phase = "computers";
  const ratios = onlineRatios(fleet, opts);
  for (let i = 0; i < fleet.computers.length; i += perCall) {
    const part = fleet.computers.slice(i, i + perCall).map((c, k) => toImportComputer(c, ratios[i + k]));
    await send({ computers: part });
    progress.computersDone += part.length;
    onProgress?.({ ...progress });
  }

  // 3. Collections last: their members must exist.
  progress.phase = "collections";
  for (const part of chunk(fleet.collections, IMPORT_LIMITS.collections)) {
    await send({ collections: part });
    onProgress?.({ ...progress });
  }
  progress.phase = "done";
  onProgress?.({ ...progress });
  return total;
}

export type Presence = "created" | "existing";

export interface EnsuredRelease {
  package: Presence;
  program: Presence;
  advertisement: Presence;
  /** The advertisement as Firebreak holds it (an existing one may differ from the release). */
  advertisementRecord: AdvertisementRecord;
}

/** Creates, or tolerates already existing, a release: 409 CONFLICT means "already there" and the object is read instead. */
export async function ensureRelease(client: FirebreakApi, release: Release): Promise<EnsuredRelease> {
  const createOrGet = async <T>(create: () => Promise<T>, get: () => Promise<T>): Promise<[Presence, T]> => {
    try {
      return ["created", await create()];
    } catch (err) {
      if (isApiCode(err, "CONFLICT")) return ["existing", await get()];
      throw err;
    }
  };
  const [pkg] = await createOrGet(
    () => client.createPackage(release.package),
    () => client.getPackage(release.package.packageId),
  );
  const [prog] = await createOrGet(
    () => client.createProgram(release.program),
    () => client.getProgram(release.program.packageId, release.program.programName),
  );
  const [adv, record] = await createOrGet(
    () => client.createAdvertisement(release.advertisement),
    () => client.getAdvertisement(release.advertisement.advertisementId),
  );
  return { package: pkg, program: prog, advertisement: adv, advertisementRecord: record };
}

export interface PlayProgress {
  phase: "window" | "posted" | "done";
  /** Simulated clock (ISO). */
  simTime: string;
  /** 0..1 of the whole run. */
  fraction: number;
  windows: number;
  windowsTotal: number;
  statusMessages: number;
  complianceRows: number;
  dpChanges: number;
  batches: number;
  replays: number;
  /** Of `advertisementId`, as the simulation sees it (SUCCEEDED / targets). */
  coverage?: { targets: number; succeeded: number; pct: number };
}

export interface PlaySummary {
  simFrom: string;
  simUntil: string;
  windows: number;
  batches: number;
  replays: number;
  statusMessages: number;
  statusByMessageId: Record<string, number>;
  complianceRows: number;
  complianceByState: Record<string, number>;
  dpChanges: number;
  /** DP status changes the simulation produced but did not post (`dpStatus: false`). */
  dpChangesSkipped: number;
  clientStatesChanged: number;
  ignoredAsOlder: number;
  /** Every batch id posted, in order (for checks and logs). */
  batchIds: string[];
  wallMs: number;
}

export interface PlayOptions {
  client: FirebreakApi;
  /** An ingest token allowed to report for every site of the fleet. */
  ingestToken: string;
  simulation: Simulation;
  /** Simulated end time. */
  until: number | string | Date;
  /** Simulated minutes per window. Default 15. */
  stepMinutes?: number;
  /** 0 = as fast as possible; N = N simulated seconds per wall-clock second. */
  speed?: number;
  /** Rows per ingest batch; at most 10,000 (the API's limit). */
  rowsPerBatch?: number;
  /** Post the distribution points' package status (POST /api/ingest/dp-status). Default true. */
  dpStatus?: boolean;
  /** Batch ids are `<prefix>-<window start ISO>-<kind>-<n>`. Default `sim-<seed>`. */
  batchPrefix?: string;
  /** The advertisement whose coverage progress reports. */
  advertisementId?: string;
  onProgress?: (p: PlayProgress) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms for pacing; default performance.now. */
  now?: () => number;
}

const toMs = (t: number | string | Date): number =>
  typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `<prefix>-<window start ISO>-<kind>-<n>`: the same run always sends the same batch ids, so a re-sent batch is a replay, never a duplicate. */
export const batchIdFor = (
  prefix: string,
  windowStart: string,
  kind: "status" | "compliance" | "dp",
  n: number,
): string => `${prefix}-${windowStart}-${kind}-${n}`;

/**
 * Advances the simulation window by window up to `until` and posts what each window reported —
 * DP status changes, client status messages and compliance rows, in that order — in batches of at
 * most 10,000 rows with deterministic batch ids.
 */
export async function playThroughApi(opts: PlayOptions): Promise<PlaySummary> {
  const { client, ingestToken, simulation: sim } = opts;
  const stepMs = (opts.stepMinutes ?? 15) * 60_000;
  if (!(stepMs > 0)) throw new RangeError("stepMinutes must be positive");
  const speed = opts.speed ?? 0;
  if (!(speed >= 0)) throw new RangeError("speed must be 0 (as fast as possible) or positive");
  const perBatch = Math.min(opts.rowsPerBatch ?? MAX_INGEST_ROWS, MAX_INGEST_ROWS);
  if (!(perBatch >= 1)) throw new RangeError("rowsPerBatch must be at least 1");
  const postDp = opts.dpStatus ?? true;
  const prefix = opts.batchPrefix ?? `sim-${sim.seed}`;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? (() => performance.now());
  const fromMs = sim.now;
  const untilMs = toMs(opts.until);
  if (!Number.isFinite(untilMs) || untilMs < fromMs)
    throw new RangeError(`until must be a time at or after the simulation clock (${new Date(fromMs).toISOString()})`);
  const windowsTotal = Math.ceil((untilMs - fromMs) / stepMs);
  const wallStart = now();

  const s: PlaySummary = {
    simFrom: new Date(fromMs).toISOString(),
    simUntil: new Date(untilMs).toISOString(),
    windows: 0,
    batches: 0,
    replays: 0,
    statusMessages: 0,
    statusByMessageId: {},
    complianceRows: 0,
    complianceByState: {},
    dpChanges: 0,
    dpChangesSkipped: 0,
    clientStatesChanged: 0,
    ignoredAsOlder: 0,
    batchIds: [],
    wallMs: 0,
  };

  const coverage = (): PlayProgress["coverage"] => {
    if (!opts.advertisementId) return undefined;
    const p = sim.advertisementProgress(opts.advertisementId);
    const succeeded = p.byStage.SUCCEEDED;
    return { targets: p.targets, succeeded, pct: p.targets === 0 ? 0 : (100 * succeeded) / p.targets };
  };
  const report = (phase: PlayProgress["phase"]) => {
    if (!opts.onProgress) return;
    const p: PlayProgress = {
      phase,
      simTime: new Date(sim.now).toISOString(),
      fraction: untilMs === fromMs ? 1 : (sim.now - fromMs) / (untilMs - fromMs),
      windows: s.windows,
      windowsTotal,
      statusMessages: s.statusMessages,
      complianceRows: s.complianceRows,
      dpChanges: s.dpChanges,
      batches: s.batches,
      replays: s.replays,
    };
    const c = coverage();
    if (c) p.coverage = c;
    opts.onProgress(p);
  };
  const tally = (r: IngestResult) => {
    s.batches++;
    if (r.replay) s.replays++;
    s.clientStatesChanged += r.clientStatesChanged;
    s.ignoredAsOlder += r.ignoredAsOlder;
  };

  const postWindow = async (batch: SimBatch) => {
    const start = batch.from;
    if (postDp) {
      for (const [n, changes] of chunk(batch.dpStatus, perBatch).entries()) {
        const body: DpStatusBatch = {
          batchId: batchIdFor(prefix, start, "dp", n),
          changes: changes.map(({ packageId, siteCode, serverName, storedVersion, state, via, time }) => ({
            packageId,
            siteCode,
            serverName,
            storedVersion,
            state,
            via,
            time,
          })),
        };
        s.batchIds.push(body.batchId);
        tally(await client.postDpStatus(ingestToken, body));
        s.dpChanges += changes.length;
        report("posted");
      }
    } else {
      s.dpChangesSkipped += batch.dpStatus.length;
    }
    for (const [n, msgs] of chunk(batch.statusMessages, perBatch).entries()) {
      const body: StatusBatch = {
        batchId: batchIdFor(prefix, start, "status", n),
        messages: msgs.map((m) => {
          const out: StatusBatch["messages"][number] = {
            messageId: m.messageId,
            machineName: m.machineName,
            resourceId: m.resourceId,
            siteCode: m.siteCode,
            advertisementId: m.advertisementId,
            time: m.time,
          };
          if (m.exitCode !== undefined) out.exitCode = m.exitCode;
          return out;
        }),
      };
      s.batchIds.push(body.batchId);
      tally(await client.postStatusMessages(ingestToken, body));
      s.statusMessages += msgs.length;
      for (const m of msgs) s.statusByMessageId[m.messageId] = (s.statusByMessageId[m.messageId] ?? 0) + 1;
      report("posted");
    }
    for (const [n, rows] of chunk(batch.compliance, perBatch).entries()) {
      const body: ComplianceBatch = {
        batchId: batchIdFor(prefix, start, "compliance", n),
        rows: rows.map(({ resourceId, siteCode, updateId, state, time }) => ({
          resourceId,
          siteCode,
          updateId,
          state,
          time,
        })),
      };
      s.batchIds.push(body.batchId);
      tally(await client.postCompliance(ingestToken, body));
      s.complianceRows += rows.length;
      for (const r of rows) s.complianceByState[r.state] = (s.complianceByState[r.state] ?? 0) + 1;
      report("posted");
    }
  };

  while (sim.now < untilMs) {
    const batch = sim.advance(Math.min(sim.now + stepMs, untilMs));
    await postWindow(batch);
    s.windows++;
    report("window");
    if (speed > 0 && sim.now < untilMs) {
      const due = wallStart + (sim.now - fromMs) / speed;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
  }
  s.wallMs = now() - wallStart;
  report("done");
  return s;
}

// ---------------------------------------------------------------- following Firebreak

export interface FollowOptions {
  /** Sites whose DPs get the package when the simulation does not have it yet; default every site below its source. */
  siteCodes?: readonly string[];
  courierSiteCodes?: readonly string[];
}

export interface FollowedAdvertisement {
  advertisement: Advertisement;
  program: Program;
  package: Package;
  /** What the simulation did not have before (collection ids: the target and any sub-collections). */
  added: { package: boolean; program: boolean; advertisement: boolean; collections: string[] };
}

/** Computers per GET /computers page (the API's maximum). */
const MEMBERS_PAGE = 500;

async function collectionMembers(client: FirebreakApi, collectionId: string): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const r = await client.listComputers({ collectionId, page, pageSize: MEMBERS_PAGE });
    for (const c of r.items) ids.push(c.resourceId);
    if (r.items.length === 0 || ids.length >= r.total) return ids;
  }
}

/**
 * Adds to a running simulation an advertisement made in Firebreak itself (e.g. the rollback the
 * ERT builds in the console): reads it, its program, its package and — when the simulation does
 * not know it — its collection with its members, then registers what is missing and starts
 * distributing a new package (DPs Firebreak already reports current start INSTALLED). From the
 * next `advance` its clients pick it up and report like for any other advertisement.
 */
export async function followAdvertisement(
  client: FirebreakApi,
  sim: Simulation,
  advertisementId: string,
  opts: FollowOptions = {},
): Promise<FollowedAdvertisement> {
  const record = await client.getAdvertisement(advertisementId);
  if (record.state !== "ACTIVE")
    throw new Error(
      `Advertisement ${advertisementId} is ${record.state.toLowerCase()}; only an active one can be played.`,
    );
  const advertisement = toAdvertisement(record);
  const program = toProgram(await client.getProgram(record.packageId, record.programName));
  const detail = await client.getPackage(record.packageId);
  const pkg = toPackage(detail);
  const added: FollowedAdvertisement["added"] = {
    package: false,
    program: false,
    advertisement: false,
    collections: [],
  };
  if (sim.hasAdvertisement(advertisementId)) return { advertisement, program, package: pkg, added };

  // Collections first: the advertisement resolves its targets when it is added.
  if (!sim.hasCollection(record.collectionId)) {
    const wanted = [await client.getCollection(record.collectionId)];
    if (record.includeSubCollection) {
      const all = await client.listCollections();
      for (let k = 0; k < wanted.length; k++) {
        const parent = wanted[k]?.collectionId;
        for (const c of all) if (c.parentCollectionId === parent && !sim.hasCollection(c.collectionId)) wanted.push(c);
      }
    }
    for (const c of wanted) {
      sim.addCollection(toCollection(c, await collectionMembers(client, c.collectionId)));
      added.collections.push(c.collectionId);
    }
  }
  if (!sim.hasPackage(pkg.packageId)) {
    const dpStoredVersions: Record<string, number> = {};
    for (const d of detail.distributions) if (d.storedVersion > 0) dpStoredVersions[d.serverName] = d.storedVersion;
    sim.addPackage(pkg, { dpStoredVersions });
    const distribution: { siteCodes?: readonly string[]; courierSiteCodes?: readonly string[] } = {};
    if (opts.siteCodes) distribution.siteCodes = opts.siteCodes;
    if (opts.courierSiteCodes) distribution.courierSiteCodes = opts.courierSiteCodes;
    sim.distributePackage(pkg.packageId, distribution);
    added.package = true;
  }
  if (!sim.hasProgram(program.packageId, program.programName)) {
    sim.addProgram(program);
    added.program = true;
  }
  sim.addAdvertisement(advertisement);
  added.advertisement = true;
  return { advertisement, program, package: pkg, added };
}

/**
 * Picks up a program's flags as Firebreak holds them now — e.g. "Disable this program on
 * computers where it is advertised" set in the console to halt a bad release (domain.md §3.4 R1).
 * Clients see the change at their next policy poll. Returns whether anything changed.
 */
export async function followProgramFlags(
  client: FirebreakApi,
  sim: Simulation,
  packageId: string,
  programName: string,
): Promise<boolean> {
  const flags = toProgram(await client.getProgram(packageId, programName)).programFlags;
  if (flags === sim.getProgramFlags(packageId, programName)) return false;
  sim.setProgramFlags(packageId, programName, flags);
  return true;
}

export type ApiPlayOptions = Omit<PlayOptions, "until" | "advertisementId">;

/** One simulation played into Firebreak in steps, picking up what the console changes in between. */
export interface ApiPlay {
  readonly simulation: Simulation;
  readonly ingestToken: string;
  /** Plays `windows` more windows of `stepMinutes` and posts what they reported. */
  playWindows(windows: number, opts?: { advertisementId?: string }): Promise<PlaySummary>;
  playUntil(until: number | string | Date, opts?: { advertisementId?: string }): Promise<PlaySummary>;
  followAdvertisement(advertisementId: string, opts?: FollowOptions): Promise<FollowedAdvertisement>;
  followProgramFlags(packageId: string, programName: string): Promise<boolean>;
}

export function createApiPlay(opts: ApiPlayOptions): ApiPlay {
  const { client, simulation: sim } = opts;
  const stepMs = (opts.stepMinutes ?? 15) * 60_000;
  const playUntil: ApiPlay["playUntil"] = (until, o = {}) =>
    playThroughApi({ ...opts, until, ...(o.advertisementId ? { advertisementId: o.advertisementId } : {}) });
  return {
    simulation: sim,
    ingestToken: opts.ingestToken,
    playUntil,
    playWindows(windows, o) {
      if (!(Number.isInteger(windows) && windows >= 0)) throw new RangeError("windows must be a whole number ≥ 0");
      return playUntil(sim.now + windows * stepMs, o);
    },
    followAdvertisement: (advertisementId, o) => followAdvertisement(client, sim, advertisementId, o),
    followProgramFlags: (packageId, programName) => followProgramFlags(client, sim, packageId, programName),
  };
}

export interface BadUpdatePlayOptions extends BadUpdateScenarioOptions {
  /** Default `sim-<seed>-<advertisement id>`: another release id never replays this run's batches. */
  batchPrefix?: string;
  stepMinutes?: number;
  /** Ingest token name. Default `simulator <advertisement id>`. */
  tokenName?: string;
  dpStatus?: boolean;
}

export interface BadUpdatePlay extends ApiPlay {
  fleet: FleetDescription;
  release: Release;
  imported: ImportSummary;
  ensured: EnsuredRelease;
}

/**
 * Everything a test needs to play a bad update into a running Firebreak: builds the scenario
 * (small demo fleet by default), imports the fleet, creates the release (or finds it), makes an
 * ingest token for every site, and returns a play at the scenario's start. Then
 * `playWindows(n)`, `followAdvertisement(rollbackId)` once the console made the rollback,
 * `playWindows(m)` again. `client` must be signed in as an SMS administrator.
 */
export async function setUpBadUpdatePlay(client: FirebreakApi, o: BadUpdatePlayOptions): Promise<BadUpdatePlay> {
  const { fleet, release, simulation } = createBadUpdateScenario(o);
  const imported = await importFleet(client, fleet, undefined, { seed: o.seed, from: o.startTime });
  const ensured = await ensureRelease(client, release);
  const advertisementId = release.advertisement.advertisementId;
  const { token } = await client.createIngestToken({
    name: o.tokenName ?? `simulator ${advertisementId}`,
    siteCodes: fleet.sites.map((s) => s.siteCode),
  });
  const play = createApiPlay({
    client,
    ingestToken: token,
    simulation,
    batchPrefix: o.batchPrefix ?? `sim-${o.seed}-${advertisementId}`,
    ...(o.stepMinutes !== undefined ? { stepMinutes: o.stepMinutes } : {}),
    ...(o.dpStatus !== undefined ? { dpStatus: o.dpStatus } : {}),
  });
  return { ...play, fleet, release, imported, ensured };
}
