import { createHash, randomUUID } from "node:crypto";
import {
  AppError,
  ForecastDraftSchema,
  ForecastRequestSchema,
  ReleasePrioritySchema,
  UpdateCaseSchema,
  forecastStatusLabels,
  forecastVariantLabels,
  isAppError,
  openAddressSchedule,
  type ApplyForecastBody,
  type ApplyForecastPreview,
  type ApplyForecastResult,
  type CreateForecastBody,
  type ForecastAppliedChange,
  type ForecastDraft,
  type ForecastFromAdvertisement,
  type ForecastList,
  type ForecastRecord,
  type ForecastRequest,
  type ForecastResult,
  type ForecastSource,
  type ForecastStatus,
  type ForecastSummary,
  type ForecastVariant,
  type ForecastVsActual,
  type ListForecastsQuery,
  type OutOfBandTask,
  type RateLimit,
  type TimelineEventInput,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { ForecastInput } from "@firebreak/simulator";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { canonicalJson, jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import { distributionRepository } from "../distribution/distribution.repository.js";
import { toAdvertisement } from "../distribution/distribution.service.js";
import { resolveFleet, type FleetScope } from "../fleet/fleet-scope.js";
import { fleetRepository, type SenderAddressRow } from "../fleet/fleet.repository.js";
import { toSenderAddress } from "../fleet/fleet.service.js";
import { createMonitoringService } from "../monitoring/monitoring.service.js";
import { oobRepository } from "../oob/oob.repository.js";
import { loadPolicy } from "../policy/policy.service.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import {
  advertisementChangeSentences,
  forecastError,
  pickForecast,
  sameSchedule,
  shiftBand,
} from "./forecasts.compare.js";
import { toFleetDescription } from "./forecasts.fleet.js";
import { forecastsRepository as repo, type ForecastRow, type ForecastSummaryRow } from "./forecasts.repository.js";
import type { ForecastJob, ForecastRunner } from "./forecasts.runner.js";

/**
 * What-if forecasts (issue #7, decision 011).
 *
 * - Create: the draft is checked here (collection, sites, targets) and stored; the 202 answer
 *   names the forecast, and the runner plays it in a worker thread, writing progress and then the
 *   result (or the failure) to the row. The `request` column holds `{ request, source }`: the full
 *   ForecastRequest the worker plays and the advertisement (with its version) the draft started
 *   from, if any.
 * - Idempotent: an identical request (same draft, options and case) while the first is still
 *   queued or running answers with that forecast instead of starting another. The request's hash
 *   is unique among unfinished rows (a partial unique index), so two simultaneous identical
 *   requests make one forecast: the second insert conflicts and answers with the first.
 * - Apply: the variant's changes are planned from the current state (advertisement flags, remote
 *   DP behaviour and schedule of the draft; sender addresses opened, baseline saved as the
 *   emergency checklist saves it, with a SENDER_RESTORE task; Courier delivery for the sites with
 *   a COURIER_PARCEL task), so applying twice changes nothing the second time. If-Match is the
 *   advertisement's version (412 when stale); 409 when the advertisement changed after the forecast
 *   was made and something is still left to change.
 * - Each row names the runner that plays it (owner_id) and when that runner last marked it alive
 *   (heartbeat_at: the claim, progress, and every 30 s while held). A QUEUED or RUNNING row
 *   without a heartbeat for STALE_AFTER_MS (its server stopped) is failed when read or listed, and
 *   a runner drops a job whose row is no longer queued for it.
 */

interface StoredRequest {
  request: ForecastRequest;
  source: ForecastSource | null;
  /**
   * A full draft whose advertisement ID exists but whose collection, package size or sending
   * priority, times or priority differ from it: what differs (the forecast is of something else,
   * so apply refuses).
   */
  sourceDifferences?: { advertisementId: string; differences: string[] };
}

/** A runner marks its rows alive every 30 s and on progress; a row silent for this long is stale. */
const STALE_AFTER_MS = 2 * 60_000;
const PROGRESS_WRITE_MS = 250;

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && (err as { code: string }).code === "P2002";

const invalid = (message: string, path: string, detail = message) =>
  new AppError("VALIDATION_FAILED", message, { details: [{ path, message: detail }] });

const stored = (row: { request: unknown }) => row.request as StoredRequest;

const isOpen = (a: SenderAddressRow) =>
  (a.rateLimit as RateLimit).mode === "UNLIMITED" &&
  (a.usageSchedule as number[][]).every((day) => day.every((h) => h === 1));

function toSummary(row: ForecastSummaryRow, applied: ForecastSummary["applied"]): ForecastSummary {
  return {
    id: row.id,
    version: row.version,
    caseId: row.caseId,
    advertisementId: row.advertisementId,
    status: row.status as ForecastStatus,
    runsDone: row.runsDone,
    runsTotal: row.runsTotal,
    priority: stored(row).request.priority,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    applied,
  };
}

function toRecord(row: ForecastRow, applied: ForecastSummary["applied"]): ForecastRecord {
  const s = stored(row);
  return {
    ...toSummary(row, applied),
    request: s.request,
    source: s.source,
    result: (row.result as ForecastResult | null) ?? null,
  };
}

const appliedOf = (m: Map<string, { variant: string; at: Date; by: string }>, id: string) => {
  const a = m.get(id);
  return a ? { variant: a.variant as ForecastVariant, at: a.at.toISOString(), by: a.by } : null;
};

interface ApplyPlan {
  row: ForecastRow;
  source: ForecastSource;
  ad: NonNullable<Awaited<ReturnType<typeof distributionRepository.findAdvertisement>>>;
  adData: Prisma.AdvertisementUncheckedUpdateManyInput | null;
  adSummary: string | null;
  addresses: { row: SenderAddressRow; summary: string; restoreTask: boolean }[];
  packageRowId: string | null;
  courierSites: string[];
  changes: ForecastAppliedChange[];
  tasks: string[];
  /** What the variant forecast that apply cannot carry out. */
  notApplied: string[];
  changedSinceForecast: boolean;
  nothingLeft: boolean;
}

/** "2 h 30 min later" / "45 min earlier". */
const formatOffset = (minutes: number) => {
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const text = h > 0 ? `${h} h${m % 60 ? ` ${m % 60} min` : ""}` : `${m} min`;
  return `${text} ${minutes > 0 ? "later" : "earlier"}`;
};

const nothingLeftMessage = (notApplied: string[]) =>
  notApplied.length === 0
    ? "Nothing left to do: every change of this variant is in place already."
    : `Nothing left that can be applied, but ${notApplied.length === 1 ? "one change" : `${notApplied.length} changes`} of this variant cannot be carried out (listed): the rollout will not match the forecast.`;

export function createForecastsService(db: Db, runner: ForecastRunner) {
  /** The draft of an existing advertisement, its program and package, with the settings the form changed. */
  async function draftFromAdvertisement(
    scope: FleetScope,
    from: ForecastFromAdvertisement,
  ): Promise<{ draft: ForecastDraft; source: ForecastSource }> {
    const where = "body.fromAdvertisement";
    const ad = await distributionRepository.findAdvertisement(db, scope.fleetId, from.advertisementId);
    if (!ad)
      throw invalid(`No advertisement ${from.advertisementId}.`, `${where}.advertisementId`, "no such advertisement");
    const packageId = ad.program.package.packageId;
    const pkg = await distributionRepository.findPackage(db, scope.fleetId, packageId);
    if (!pkg) throw invalid(`Package ${packageId} of the advertisement is gone.`, `${where}.advertisementId`);
    const program = await distributionRepository.findProgram(db, pkg.id, ad.program.programName);
    if (!program)
      throw invalid(`Program "${ad.program.programName}" of the advertisement is gone.`, `${where}.advertisementId`);
    const courierPlan = await repo.courierPlan(db, pkg.id);
    const record = toAdvertisement(ad);
    const startTime = from.startTime ?? new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const draft = {
      package: {
        packageId,
        name: pkg.name,
        version: pkg.pkgVersion,
        manufacturer: pkg.manufacturer,
        language: pkg.language,
        ...(pkg.sourceSite ? { sourceSite: pkg.sourceSite } : {}),
        sourceVersion: pkg.sourceVersion,
        sizeKB: pkg.sizeKB,
        sendingPriority: pkg.sendingPriority,
        preferredSender: pkg.preferredSender,
        ignoreAddressSchedule: pkg.ignoreAddressSchedule,
        kind: pkg.kind,
        updateIds: pkg.updateIds,
      },
      program: {
        packageId,
        programName: program.programName,
        commandLine: program.commandLine,
        comment: program.comment,
        programFlags: Number(program.programFlags) >>> 0,
        maxRunMinutes: program.maxRunMinutes,
        kind: program.kind,
        checksUpdatePresent: program.checksUpdatePresent,
      },
      advertisement: {
        advertisementId: record.advertisementId,
        advertisementName: record.advertisementName,
        comment: record.comment,
        packageId,
        programName: record.programName,
        collectionId: record.collectionId,
        includeSubCollection: record.includeSubCollection,
        presentTime: record.presentTime,
        expirationTime: record.expirationTime,
        assignedSchedule: from.assignedSchedule ?? record.assignedSchedule,
        assignedScheduleEnabled: from.assignedScheduleEnabled ?? record.assignedScheduleEnabled,
        advertFlags: from.advertFlags ?? record.advertFlags,
        remoteClientFlags: from.remoteClientFlags ?? record.remoteClientFlags,
        priority: record.priority,
      },
      distribution: {
        startTime,
        ...(from.siteCodes ? { siteCodes: from.siteCodes } : {}),
        // Sites in the package's Courier plan get it by parcel in the draft too.
        courierSiteCodes: from.courierSiteCodes ?? courierPlan,
      },
    };
    const parsed = ForecastDraftSchema.safeParse(draft);
    if (!parsed.success) {
      const issues = parsed.error.issues;
      throw new AppError(
        "VALIDATION_FAILED",
        `The draft is not a valid advertisement: ${issues[0]?.message ?? "check the settings"}.`,
        {
          details: issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message })),
        },
      );
    }
    return {
      draft: parsed.data,
      source: { advertisementId: record.advertisementId, advertisementVersion: ad.version, packageId },
    };
  }

  /**
   * A complete draft starts from an advertisement when one with its ID advertises the same program
   * to the same computers, with the same package size and sending priority, times and priority:
   * only then can apply carry out what was forecast. Otherwise the differences are kept.
   */
  async function sourceOf(
    scope: FleetScope,
    draft: ForecastDraft,
  ): Promise<Pick<StoredRequest, "source" | "sourceDifferences">> {
    const ad = await distributionRepository.findAdvertisement(db, scope.fleetId, draft.advertisement.advertisementId);
    if (!ad) return { source: null };
    const record = toAdvertisement(ad);
    const d = draft.advertisement;
    const differences: string[] = [];
    const differ = (what: string, was: unknown, drafted: unknown) =>
      differences.push(`${what}: ${String(was)} in the advertisement, ${String(drafted)} in the draft`);
    const instant = (t: string | null) => (t === null ? null : Date.parse(t));
    if (ad.program.package.packageId !== draft.package.packageId)
      differ("package", ad.program.package.packageId, draft.package.packageId);
    if (ad.program.programName !== draft.program.programName)
      differ("program", ad.program.programName, draft.program.programName);
    if (record.collectionId !== d.collectionId) differ("collection", record.collectionId, d.collectionId);
    if (record.includeSubCollection !== d.includeSubCollection)
      differ(
        "subcollections",
        record.includeSubCollection ? "included" : "not included",
        d.includeSubCollection ? "included" : "not included",
      );
    if (instant(record.presentTime) !== instant(d.presentTime))
      differ("available after", record.presentTime, d.presentTime);
    if (instant(record.expirationTime) !== instant(d.expirationTime))
      differ("expires", record.expirationTime ?? "never", d.expirationTime ?? "never");
    if (record.priority !== d.priority) differ("priority", record.priority, d.priority);
    const pkg = await distributionRepository.findPackage(db, scope.fleetId, draft.package.packageId);
    if (pkg && ad.program.package.packageId === draft.package.packageId) {
      if (pkg.sizeKB !== draft.package.sizeKB) differ("package size (KB)", pkg.sizeKB, draft.package.sizeKB);
      if (pkg.sendingPriority !== draft.package.sendingPriority)
        differ("sending priority", pkg.sendingPriority, draft.package.sendingPriority);
    }
    if (differences.length > 0)
      return { source: null, sourceDifferences: { advertisementId: ad.advertisementId, differences } };
    return {
      source: {
        advertisementId: ad.advertisementId,
        advertisementVersion: ad.version,
        packageId: draft.package.packageId,
      },
    };
  }

  /** What the worker cannot tell in a useful way before it has loaded the fleet: checked here, as 400s. */
  async function checkDraft(scope: FleetScope, draft: ForecastDraft, where: string): Promise<void> {
    const ad = draft.advertisement;
    const adPath = where === "body.draft" ? `${where}.advertisement.collectionId` : `${where}.advertisementId`;
    if (!(await repo.collectionExists(db, scope.fleetId, ad.collectionId)))
      throw invalid(`No collection ${ad.collectionId} in this fleet.`, adPath, "no such collection");
    if ((await repo.countTargets(db, scope.fleetId, ad.collectionId, ad.includeSubCollection)) === 0)
      throw invalid(
        `Collection ${ad.collectionId} has no computers: there is nothing to forecast.`,
        adPath,
        "the collection is empty",
      );
    const sites = await repo.siteCodes(db, scope.fleetId);
    const dist = draft.distribution;
    for (const [key, codes] of [
      ["siteCodes", dist.siteCodes],
      ["courierSiteCodes", dist.courierSiteCodes],
    ] as const)
      (codes ?? []).forEach((code, i) => {
        if (!sites.has(code))
          throw invalid(
            `Site ${code} is not in this fleet.`,
            where === "body.draft" ? `${where}.distribution.${key}.${i}` : `${where}.${key}.${i}`,
            "no such site",
          );
      });
  }

  function jobFor(id: string, scope: FleetScope, s: StoredRequest): ForecastJob {
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    // Writes of one job in order; a failed write rejects its caller (the runner then fails the
    // forecast) but not the writes after it.
    const write = <T>(fn: () => Promise<T>): Promise<T> => {
      const p = writing.then(fn);
      writing = p.catch(() => undefined);
      return p;
    };
    const owner = runner.ownerId;
    return {
      id,
      claim: () => write(() => repo.claim(db, id, owner)),
      onHeartbeat: () => write(() => repo.heartbeat(db, [id], owner)),
      async load() {
        const { request } = s;
        const ad = request.draft.advertisement;
        const fleetId = scope.fleetId;
        const [sites, siteSystems, boundaries, addresses, collections, memberships, computers, policy, pkg] =
          await Promise.all([
            repo.listSites(db, fleetId),
            repo.listSiteSystems(db, fleetId),
            repo.listBoundaries(db, fleetId),
            repo.listAddresses(db, fleetId),
            repo.listCollections(db, fleetId),
            repo.targetMemberships(db, fleetId, ad.collectionId, ad.includeSubCollection),
            repo.targetComputers(db, fleetId, ad.collectionId, ad.includeSubCollection),
            loadPolicy(db),
            distributionRepository.findPackage(db, fleetId, request.draft.package.packageId),
          ]);
        const dps = pkg ? await repo.packageDistributions(db, pkg.id) : [];
        const input: Omit<ForecastInput, "onProgress"> = {
          fleet: toFleetDescription({ sites, siteSystems, boundaries, addresses, computers, collections, memberships }),
          draft: request.draft,
          policy,
          priority: request.priority,
          variants: request.variants,
          runs: request.runs,
          seed: request.seed,
          goalPct: request.goalPct,
          courierThresholdKbps: request.courierThresholdKbps,
          programSuccessPct: request.programSuccessPct,
          listLimit: request.listLimit,
          dpStoredVersions: Object.fromEntries(
            dps.filter((d) => d.storedVersion > 0).map((d) => [d.serverName, d.storedVersion]),
          ),
          ...(request.horizonHours !== undefined ? { horizonHours: request.horizonHours } : {}),
          ...(request.slaStartedAt !== undefined ? { slaStartedAt: request.slaStartedAt } : {}),
        };
        return input;
      },
      onProgress(runsDone, runsTotal) {
        const now = Date.now();
        if (runsDone < runsTotal && now - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = now;
        write(() => repo.updateProgress(db, id, owner, runsDone, runsTotal)).catch(() => undefined);
      },
      onDone: (result, runsTotal) =>
        write(() => repo.finish(db, id, jsonSafe(result) as Prisma.InputJsonValue, runsTotal)),
      onFailed: (message, inputError) =>
        write(() => repo.fail(db, id, inputError ? message : `The forecast failed: ${message}`)),
    };
  }

  /**
   * Fails the fleet's forecasts (or one) whose runner stopped writing for STALE_AFTER_MS (its
   * server stopped or crashed): they would otherwise read as queued or running for ever, and hold
   * the request hash so the same forecast could not be asked again.
   */
  function settleStale(fleetId: string, id?: string): Promise<number> {
    return repo.failStale(db, {
      fleetId,
      ...(id ? { id } : {}),
      cutoff: new Date(Date.now() - STALE_AFTER_MS),
      heldHere: runner.heldIds(),
      error: "The forecast was interrupted (its server stopped). Run it again.",
    });
  }

  async function forecastOrThrow(c: DbClient, scope: FleetScope, id: string): Promise<ForecastRow> {
    const row = await repo.find(c, scope.fleetId, id);
    if (!row) throw new AppError("NOT_FOUND", `No forecast ${id}.`);
    return row;
  }

  async function planApply(c: DbClient, scope: FleetScope, row: ForecastRow, variant: ForecastVariant) {
    if (row.status !== "DONE" || !row.result)
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `The forecast is ${forecastStatusLabels[row.status as ForecastStatus].toLowerCase()}: a variant can be applied once it is done.`,
      );
    const s = stored(row);
    if (!s.source && s.sourceDifferences)
      throw new AppError(
        "CONFLICT",
        `This forecast is of a draft that differs from advertisement ${s.sourceDifferences.advertisementId} (${s.sourceDifferences.differences.join("; ")}): applying a variant would not carry out what was forecast. Forecast the advertisement as it is, or change it first.`,
        { details: s.sourceDifferences.differences.map((message) => ({ path: "draft", message })) },
      );
    if (!s.source)
      throw new AppError(
        "CONFLICT",
        "This forecast is of a draft that is not an advertisement yet: create the advertisement, forecast it, then apply a variant.",
      );
    const result = row.result as ForecastResult;
    const v = result.variants.find((x) => x.variant === variant);
    if (!v)
      throw invalid(
        `This forecast did not compute “${forecastVariantLabels[variant]}”. Choose one of: ${result.variants.map((x) => forecastVariantLabels[x.variant]).join(", ")}.`,
        "body.variant",
        "not computed by this forecast",
      );
    const ad = await distributionRepository.findAdvertisement(c, scope.fleetId, s.source.advertisementId);
    if (!ad) throw new AppError("NOT_FOUND", `Advertisement ${s.source.advertisementId} no longer exists.`);

    const changes: ForecastAppliedChange[] = [];
    const tasks: string[] = [];
    const notApplied: string[] = [];
    // The advertisement: the variant's flags, and the draft's remote DP behaviour and schedule.
    const draftAd = s.request.draft.advertisement;
    const before = {
      advertFlags: Number(ad.advertFlags) >>> 0,
      remoteClientFlags: Number(ad.remoteClientFlags) >>> 0,
      assignedSchedule: jsonSafe(ad.assignedSchedule) as unknown[],
      assignedScheduleEnabled: ad.assignedScheduleEnabled,
    };
    const after = {
      advertFlags: v.changes.advertFlags >>> 0,
      remoteClientFlags: draftAd.remoteClientFlags >>> 0,
      assignedSchedule: jsonSafe(draftAd.assignedSchedule) as unknown[],
      assignedScheduleEnabled: draftAd.assignedScheduleEnabled,
    };
    const sentences = advertisementChangeSentences(before, after);
    let adData: ApplyPlan["adData"] = null;
    let adSummary: string | null = null;
    if (sentences.length > 0) {
      adData = {
        advertFlags: BigInt(after.advertFlags),
        remoteClientFlags: BigInt(after.remoteClientFlags),
        ...(!sameSchedule(before.assignedSchedule, after.assignedSchedule)
          ? { assignedSchedule: after.assignedSchedule as Prisma.InputJsonValue }
          : {}),
        assignedScheduleEnabled: after.assignedScheduleEnabled,
      };
      adSummary = `Advertisement ${ad.advertisementId}: ${sentences.join("; ")}.`;
      changes.push({ entity: "ADVERTISEMENT", id: ad.advertisementId, summary: adSummary });
    }

    // Sender addresses the variant opens, unless open already.
    const wanted = new Set(v.changes.openedAddressIds);
    const [allAddresses, openRestores] = await Promise.all([
      wanted.size > 0 ? fleetRepository.listAddresses(c, scope.fleetId) : Promise.resolve([]),
      wanted.size > 0 ? oobRepository.addressesWithOpenRestore(c, scope.fleetId) : Promise.resolve(new Set<string>()),
    ]);
    const addresses: ApplyPlan["addresses"] = [];
    for (const id of wanted)
      if (!allAddresses.some((a) => a.addressId === id))
        notApplied.push(`Sender address ${id} of the forecast no longer exists: it cannot be opened.`);
    for (const a of allAddresses) {
      if (!wanted.has(a.addressId) || isOpen(a)) continue;
      const summary = `Address ${a.addressId} (${a.siteCode} → ${a.destSiteCode}): open for all priorities at all hours, unlimited rate; old settings saved.`;
      addresses.push({ row: a, summary, restoreTask: !openRestores.has(a.addressId) });
      changes.push({ entity: "SENDER_ADDRESS", id: a.addressId, summary });
      if (!openRestores.has(a.addressId))
        tasks.push(`Restore the schedule and rate limit of address ${a.addressId} when the emergency is over.`);
    }

    // Courier Sender delivery for the variant's sites not in the package's Courier plan yet.
    const pkg = await distributionRepository.findPackage(c, scope.fleetId, s.source.packageId);
    const wantsCourier = v.changes.courierSiteCodes.length > 0;
    const [dps, plan] =
      pkg && wantsCourier
        ? await Promise.all([repo.packageDistributions(c, pkg.id), repo.courierPlan(c, pkg.id)])
        : [[], []];
    if (!pkg && wantsCourier)
      notApplied.push(
        `Package ${s.source.packageId} no longer exists: the Courier parcels for ${v.changes.courierSiteCodes.join(", ")} cannot be planned.`,
      );
    const courierSites: string[] = [];
    for (const site of v.changes.courierSiteCodes) {
      if (!pkg || plan.includes(site)) continue;
      if (dps.some((d) => d.siteCode === site)) courierSites.push(site);
      else
        notApplied.push(
          `Site ${site}: package ${s.source.packageId} is not assigned to a distribution point there, so no Courier parcel can be planned; add the site's DP to the package first.`,
        );
    }
    for (const site of courierSites) {
      changes.push({
        entity: "PACKAGE_SITE_DELIVERY",
        id: `${s.source.packageId}@${site}`,
        summary: `Site ${site}: send package ${s.source.packageId} by Courier Sender parcel.`,
      });
      tasks.push(`Courier parcel of package ${s.source.packageId} for site ${site}.`);
    }

    const nothingLeft = changes.length === 0;
    const changedSinceForecast = ad.version !== s.source.advertisementVersion;
    return {
      row,
      source: s.source,
      ad,
      adData,
      adSummary,
      addresses,
      packageRowId: pkg?.id ?? null,
      courierSites,
      changes,
      tasks,
      notApplied,
      changedSinceForecast,
      nothingLeft,
    } satisfies ApplyPlan;
  }

  return {
    async create(
      actor: Actor,
      scope: FleetScope,
      body: CreateForecastBody,
    ): Promise<{ record: ForecastRecord; reused: boolean }> {
      let caseRow: Awaited<ReturnType<typeof casesRepository.find>> = null;
      if (body.caseId) {
        caseRow = await casesRepository.find(db, body.caseId);
        if (!caseRow || caseRow.fleetId !== scope.fleetId)
          throw invalid(`No case ${body.caseId} in this fleet.`, "body.caseId", "no such case in this fleet");
      }
      const casePriority = ReleasePrioritySchema.safeParse(caseRow?.priority);
      const priority = body.priority ?? (casePriority.success ? casePriority.data : undefined);
      if (!priority)
        throw invalid(
          "Choose the release priority whose target and maximum the forecast judges.",
          "body.priority",
          "required without a case that has a priority",
        );

      const from: { draft: ForecastDraft } & Pick<StoredRequest, "source" | "sourceDifferences"> =
        body.fromAdvertisement
          ? await draftFromAdvertisement(scope, body.fromAdvertisement)
          : { draft: body.draft as ForecastDraft, ...(await sourceOf(scope, body.draft as ForecastDraft)) };
      const { draft, source, sourceDifferences } = from;
      await checkDraft(scope, draft, body.fromAdvertisement ? "body.fromAdvertisement" : "body.draft");

      const slaStartedAt =
        body.slaStartedAt ?? (caseRow ? UpdateCaseSchema.parse(caseRow.record).sla?.since : undefined);
      const request = ForecastRequestSchema.parse({
        draft,
        priority,
        runs: body.runs,
        variants: body.variants,
        seed: body.seed,
        goalPct: body.goalPct,
        courierThresholdKbps: body.courierThresholdKbps,
        programSuccessPct: body.programSuccessPct,
        listLimit: body.listLimit,
        ...(body.horizonHours !== undefined ? { horizonHours: body.horizonHours } : {}),
        ...(slaStartedAt ? { slaStartedAt } : {}),
      });
      const s: StoredRequest = { request, source, ...(sourceDifferences ? { sourceDifferences } : {}) };
      const caseId = body.caseId ?? null;

      // The same request under way: answer with it (a double click, a retry). A stale one is
      // failed first, so it does not hold the request's hash.
      const requestHash = createHash("sha256")
        .update(canonicalJson(jsonSafe({ ...s, caseId })))
        .digest("hex");
      const existing = async () => {
        const same = await repo.findUnfinishedByHash(db, scope.fleetId, requestHash);
        if (!same) return null;
        const applied = await repo.appliedVariants(db, [same.id]);
        return { record: toRecord(same, appliedOf(applied, same.id)), reused: true };
      };
      await settleStale(scope.fleetId);
      const before = await existing();
      if (before) return before;

      runner.reserve();
      let row: ForecastRow;
      try {
        row = await writeTransaction(db, async (tx) => {
          const created = await repo.create(tx, {
            fleetId: scope.fleetId,
            caseId,
            advertisementId: source?.advertisementId ?? null,
            status: "QUEUED",
            runsDone: 0,
            runsTotal: request.runs * request.variants.length,
            request: jsonSafe(s) as Prisma.InputJsonValue,
            requestHash,
            ownerId: runner.ownerId,
            heartbeatAt: new Date(),
            createdBy: actor.userId,
          });
          await recordAudit(tx, actor, {
            action: "forecast.create",
            entityType: "forecast",
            entityId: created.id,
            after: { caseId, source, request },
          });
          return created;
        });
      } catch (err) {
        runner.release();
        // An identical request was inserted meanwhile (the unique index on unfinished hashes).
        if (isUniqueViolation(err)) {
          const winner = await existing();
          if (winner) return winner;
        }
        throw err;
      }
      runner.submit(jobFor(row.id, scope, s));
      return { record: toRecord(row, null), reused: false };
    },

    async get(scope: FleetScope, id: string): Promise<ForecastRecord> {
      await settleStale(scope.fleetId, id);
      const row = await forecastOrThrow(db, scope, id);
      const applied = await repo.appliedVariants(db, [row.id]);
      return toRecord(row, appliedOf(applied, row.id));
    },

    async list(scope: FleetScope, q: ListForecastsQuery): Promise<ForecastList> {
      await settleStale(scope.fleetId);
      const rows = await repo.list(db, scope.fleetId, q);
      const applied = await repo.appliedVariants(
        db,
        rows.map((r) => r.id),
      );
      return { items: rows.map((r) => toSummary(r, appliedOf(applied, r.id))) };
    },

    async applyPreview(scope: FleetScope, id: string, variant: ForecastVariant): Promise<ApplyForecastPreview> {
      const plan = await planApply(db, scope, await forecastOrThrow(db, scope, id), variant);
      return {
        variant,
        advertisementId: plan.ad.advertisementId,
        advertisementVersion: plan.ad.version,
        forecastAdvertisementVersion: plan.source.advertisementVersion,
        changedSinceForecast: plan.changedSinceForecast,
        changes: plan.changes,
        tasks: plan.tasks,
        notApplied: plan.notApplied,
        nothingLeft: plan.nothingLeft,
        message: plan.nothingLeft
          ? nothingLeftMessage(plan.notApplied)
          : plan.changedSinceForecast
            ? `Advertisement ${plan.ad.advertisementId} was changed after this forecast was made: run the forecast again before applying a variant.`
            : `${plan.changes.length} ${plan.changes.length === 1 ? "change" : "changes"} and ${plan.tasks.length} out-of-band ${plan.tasks.length === 1 ? "task" : "tasks"}.`,
      };
    },

    /** Applies one variant in one transaction, each change audited with before and after. */
    async apply(
      actor: Actor,
      scope: FleetScope,
      id: string,
      version: number,
      body: ApplyForecastBody,
    ): Promise<ApplyForecastResult> {
      const row = await forecastOrThrow(db, scope, id);
      const caseRow = row.caseId ? await casesRepository.find(db, row.caseId) : null;
      const now = new Date();
      return writeTransaction(
        db,
        async (tx) => {
          const plan = await planApply(tx, scope, row, body.variant);
          // Before the version check: a retried apply that succeeded the first time (its answer
          // lost) holds the old version, and is told nothing is left rather than 412.
          if (plan.nothingLeft)
            return {
              applied: false,
              message: nothingLeftMessage(plan.notApplied),
              variant: body.variant,
              changes: [],
              notApplied: plan.notApplied,
              tasksCreated: 0,
              advertisement: toAdvertisement(plan.ad),
            };
          if (plan.ad.version !== version) throw staleVersion("advertisement");
          if (plan.changedSinceForecast)
            throw new AppError(
              "CONFLICT",
              `Advertisement ${plan.ad.advertisementId} was changed after this forecast was made (version ${plan.source.advertisementVersion} then, ${plan.ad.version} now). Run the forecast again, then apply a variant.`,
            );
          const refs = { caseId: caseRow?.id ?? null, emergencyId: caseRow?.emergencyId ?? null };
          const events: TimelineEventInput[] = [];
          const event = (e: Omit<TimelineEventInput, "at" | "actorId">) =>
            events.push({ ...e, at: now.toISOString(), actorId: actor.userId, ...refs } as TimelineEventInput);

          let adAfter = plan.ad;
          if (plan.adData) {
            const updated = await distributionRepository.updateAdvertisementIfVersion(
              tx,
              plan.ad.id,
              plan.ad.version,
              plan.adData,
            );
            if (!updated) throw staleVersion("advertisement");
            adAfter = updated;
            await recordAudit(tx, actor, {
              action: "advertisement.forecast_apply",
              entityType: "advertisement",
              entityId: plan.ad.advertisementId,
              before: toAdvertisement(plan.ad),
              after: toAdvertisement(updated),
            });
            event({
              type: "ADVERTISEMENT_CHANGED",
              summary: plan.adSummary ?? "",
              payload: {
                advertisementId: plan.ad.advertisementId,
                before: {
                  advertFlags: Number(plan.ad.advertFlags),
                  remoteClientFlags: Number(plan.ad.remoteClientFlags),
                },
                after: {
                  advertFlags: Number(updated.advertFlags),
                  remoteClientFlags: Number(updated.remoteClientFlags),
                },
              },
            });
          }

          const taskRows: Parameters<typeof oobRepository.insertMany>[1] = [];
          const task = (record: OutOfBandTask) =>
            taskRows.push({
              id: randomUUID(),
              fleetId: scope.fleetId,
              caseId: refs.caseId,
              emergencyId: refs.emergencyId,
              kind: record.kind,
              state: record.state,
              method: record.method,
              targetType: record.targetRef.type,
              targetKey: record.targetRef.id,
              dueAt: record.dueAt ? new Date(record.dueAt) : null,
              record: jsonSafe(record),
            });

          for (const a of plan.addresses) {
            // An address relaxed before keeps its first saved settings: those are the real baseline.
            const savedBaseline = a.row.savedBaseline ?? {
              usageSchedule: a.row.usageSchedule,
              rateLimit: a.row.rateLimit,
            };
            const planned = { usageSchedule: openAddressSchedule(), rateLimit: { mode: "UNLIMITED" } };
            const updated = await fleetRepository.updateAddressIfVersion(tx, a.row.id, a.row.version, {
              ...planned,
              savedBaseline: savedBaseline as Prisma.InputJsonValue,
            });
            if (!updated)
              throw new AppError(
                "PRECONDITION_FAILED",
                `Sender address ${a.row.addressId} was changed by someone else while the variant was applied. Apply it again.`,
              );
            await recordAudit(tx, actor, {
              action: "sender_address.relax",
              entityType: "sender_address",
              entityId: a.row.addressId,
              before: toSenderAddress(a.row),
              after: { ...toSenderAddress(updated), savedBaseline, forecastId: row.id },
            });
            event({
              type: "SENDER_ADDRESS_CHANGED",
              summary: a.summary,
              payload: {
                addressId: a.row.addressId,
                before: { usageSchedule: a.row.usageSchedule, rateLimit: a.row.rateLimit },
                after: { ...planned, savedBaseline },
              },
            });
            if (a.restoreTask)
              task({
                kind: "SENDER_RESTORE",
                targetRef: {
                  type: "SENDER_ADDRESS",
                  id: a.row.addressId,
                  label: `${a.row.siteCode} → ${a.row.destSiteCode}`,
                },
                method: "CONSOLE_LOGON",
                ownerId: null,
                state: "OPEN",
                dueAt: null,
                reason: `Put back the schedule and rate limit of address ${a.row.addressId} when the emergency is over (opened from forecast variant “${forecastVariantLabels[body.variant]}”).`,
                evidence: null,
                outcomeNote: null,
                savedBaseline,
              });
          }

          if (plan.courierSites.length > 0 && plan.packageRowId) {
            const before = await repo.courierPlan(tx, plan.packageRowId);
            const after = await repo.addCourierSites(tx, plan.packageRowId, plan.courierSites);
            await recordAudit(tx, actor, {
              action: "package.courier_sites",
              entityType: "package",
              entityId: plan.source.packageId,
              before: { courierSiteCodes: before },
              after: { courierSiteCodes: after, added: plan.courierSites, forecastId: row.id },
            });
            const targetAt = (row.result as ForecastResult).variants.find((x) => x.variant === body.variant)?.target.at;
            for (const site of plan.courierSites)
              task({
                kind: "COURIER_PARCEL",
                targetRef: { type: "SITE", id: site, label: site },
                method: "PARCEL",
                ownerId: null,
                state: "OPEN",
                dueAt: targetAt && Date.parse(targetAt) > now.getTime() ? targetAt : null,
                reason: `Make and send the Courier Sender parcel of package ${plan.source.packageId} for site ${site} (forecast variant “${forecastVariantLabels[body.variant]}”).`,
                evidence: null,
                outcomeNote: null,
              });
          }

          if (taskRows.length > 0) {
            await oobRepository.insertMany(tx, taskRows);
            for (const kind of [...new Set(taskRows.map((t) => t.kind))]) {
              const ofKind = taskRows.filter((t) => t.kind === kind);
              await recordAudit(tx, actor, {
                action: "oob_task.create",
                entityType: "oob_task",
                entityId: ofKind.length === 1 ? ofKind[0]!.id : null,
                after: {
                  ...refs,
                  kind,
                  forecastId: row.id,
                  tasks: ofKind.map((t) => ({ id: t.id, targetType: t.targetType, targetId: t.targetKey })),
                },
              });
              for (const t of ofKind)
                event({
                  type: "OOB_TASK_CREATED",
                  summary: `Out-of-band task from the forecast: ${t.kind === "SENDER_RESTORE" ? "restore sender address" : "Courier parcel"} — ${t.targetKey}`,
                  payload: { taskId: t.id, kind: t.kind as OutOfBandTask["kind"], targetId: t.targetKey },
                });
            }
          }

          await recordAudit(tx, actor, {
            action: "forecast.apply",
            entityType: "forecast",
            entityId: row.id,
            after: {
              variant: body.variant,
              advertisementId: plan.ad.advertisementId,
              changes: plan.changes,
              tasksCreated: taskRows.length,
            },
          });
          if (refs.caseId && events.length > 0) await recordTimeline(tx, actor, scope.fleetId, events, refs);

          const n = plan.changes.length;
          const m = plan.notApplied.length;
          return {
            applied: true,
            message: `Applied “${forecastVariantLabels[body.variant]}”: ${n} ${n === 1 ? "change" : "changes"}, ${taskRows.length} out-of-band ${taskRows.length === 1 ? "task" : "tasks"} created.${m > 0 ? ` ${m} ${m === 1 ? "change" : "changes"} of the forecast could not be applied (listed).` : ""}`,
            variant: body.variant,
            changes: plan.changes,
            notApplied: plan.notApplied,
            tasksCreated: taskRows.length,
            advertisement: toAdvertisement(adAfter),
          };
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
    },
  };
}
export type ForecastsService = ReturnType<typeof createForecastsService>;

/** Forecast beside what happened, for the case page. */
export function createForecastComparisonService(db: Db) {
  const monitoring = createMonitoringService(db);
  return {
    /**
     * The case's forecast beside the actual coverage of its advertisement: the forecast a variant was
     * applied from, else the last one made before the deployment started, else the newest; its band
     * moved to the deployment's real start, and the actual curve held until now.
     */
    async vsActual(caseId: string, variantWanted: ForecastVariant | undefined): Promise<ForecastVsActual> {
      const caseRow = await casesRepository.find(db, caseId);
      if (!caseRow) throw new AppError("NOT_FOUND", "No such case.");
      const scope = await resolveFleet(db, caseRow.fleetId);
      const c = UpdateCaseSchema.parse(caseRow.record);
      const candidates = await repo.listDone(db, scope.fleetId, caseId, c.advertisementId);
      const appliedAll = await repo.appliedVariants(
        db,
        candidates.map((r) => r.id),
      );
      const chosen = pickForecast(
        candidates,
        new Map([...appliedAll].map(([id, a]) => [id, a.at])),
        c.deploymentStartedAt,
      );
      const row = chosen ? await repo.find(db, scope.fleetId, chosen.row.id) : null;
      const advertisementId = c.advertisementId ?? row?.advertisementId ?? null;
      const ad = advertisementId
        ? await distributionRepository.findAdvertisement(db, scope.fleetId, advertisementId)
        : null;

      let forecast: ForecastVsActual["forecast"] = null;
      if (row?.result && chosen) {
        const result = row.result as ForecastResult;
        const applied = appliedOf(appliedAll, row.id);
        const wanted = variantWanted ?? applied?.variant ?? "AS_DRAFTED";
        const v = result.variants.find((x) => x.variant === wanted) ?? result.variants[0]!;
        // The real start: the deployment's, or the advertisement's available-after time if later.
        const present = ad ? toAdvertisement(ad).presentTime : null;
        const starts = [c.deploymentStartedAt, c.deploymentStartedAt ? present : null]
          .filter((x): x is string => x !== null)
          .map((x) => Date.parse(x));
        const realStart = starts.length > 0 ? Math.max(...starts) : Date.parse(result.startTime);
        const offsetMs = Math.round((realStart - Date.parse(result.startTime)) / 60_000) * 60_000;
        const shift = (t: string) => new Date(Date.parse(t) + offsetMs).toISOString();
        forecast = {
          id: row.id,
          createdAt: row.createdAt.toISOString(),
          variant: v.variant,
          picked: chosen.picked,
          startTime: shift(result.startTime),
          forecastStartTime: result.startTime,
          offsetMinutes: offsetMs / 60_000,
          goalPct: result.goalPct,
          targetAt: shift(v.target.at),
          maxAt: shift(v.max.at),
          band: shiftBand(v.band, offsetMs),
        };
      }

      let actual: ForecastVsActual["actual"] = null;
      if (advertisementId) {
        try {
          const m = await monitoring.advertisementMonitor(scope, advertisementId);
          actual = {
            targeted: m.targeted,
            compliancePct: m.compliancePct,
            coverage: m.coverage,
            coverageBucketMinutes: m.coverageBucketMinutes,
            asOf: m.generatedAt,
          };
        } catch (err) {
          if (!(isAppError(err) && err.code === "NOT_FOUND")) throw err;
        }
      }
      // Before the deployment starts and before any success there is nothing to judge yet.
      const started = c.deploymentStartedAt !== null || (actual?.coverage.length ?? 0) > 0;
      const error =
        forecast && actual && started ? forecastError(forecast.band, actual.coverage, Date.parse(actual.asOf)) : null;
      const shifted =
        forecast && forecast.offsetMinutes !== 0
          ? ` The band is moved ${formatOffset(forecast.offsetMinutes)}, to the deployment's real start.`
          : "";
      const note = !forecast
        ? "No finished forecast for this case yet: forecast its advertisement to compare it with what happens."
        : !actual
          ? "The case has no advertisement with status yet: the actual curve appears once the rollout reports."
          : !error
            ? "The rollout has no success inside the forecast's time range yet: the error appears as the actual curve grows."
            : `Over ${error.points} points, the median forecast was off by ${error.meanAbsPp.toFixed(1)} pp on average (at most ${error.maxAbsPp.toFixed(1)} pp); ${error.insideBandPct.toFixed(0)} % of the actual points lie inside the 10th–90th percentile band.${shifted}`;
      return { caseId, advertisementId, forecast, actual, error, note };
    },
  };
}
