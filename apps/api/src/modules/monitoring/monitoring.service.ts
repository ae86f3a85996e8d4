import {
  AppError,
  CONNECTION_PROFILES,
  COVERAGE_BUCKET_SECONDS,
  MAX_COVERAGE_POINTS,
  NEVER_REPORTED_SAMPLE,
  exitCodeMeaning,
  type AdvertisementMonitor,
  type ClientState,
  type ComplianceState,
  type ConnectionProfile,
  type CoveragePoint,
  type ExitCodeCount,
  type Role,
  type UpdateMonitor,
} from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import { haltVerificationFor } from "../halts/halts.service.js";
import { monitoringRepository as repo, type CurveRow, type TargetScope } from "./monitoring.repository.js";

const TOP_EXIT_CODES = 10;
const DAY = 86_400;

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100);

/**
 * The cumulative coverage curve from 15-minute bucket counts. The bucket is the smallest of
 * 15 min … 1 day (then whole days) that keeps the curve at or under MAX_COVERAGE_POINTS, counting
 * the leading zero point; buckets are aligned to the epoch (so 09:00, 09:15… in UTC) and empty
 * ones are filled, so the time axis is regular.
 */
export function coverageCurve(
  rows: CurveRow[],
  denominator: number,
): { coverage: CoveragePoint[]; coverageBucketMinutes: number | null } {
  if (rows.length === 0) return { coverage: [], coverageBucketMinutes: null };
  const lo = rows[0]!.bucketStart;
  const hi = rows[rows.length - 1]!.bucketStart;
  const fits = (s: number) => Math.floor(hi / s) - Math.floor(lo / s) + 2 <= MAX_COVERAGE_POINTS;
  let size: number = COVERAGE_BUCKET_SECONDS.find(fits) ?? 0;
  for (let days = 2; size === 0; days++) if (fits(days * DAY)) size = days * DAY;
  const first = Math.floor(lo / size);
  const counts = new Array<number>(Math.floor(hi / size) - first + 1).fill(0);
  for (const r of rows) counts[Math.floor(r.bucketStart / size) - first]! += r.count;
  const at = (bucket: number) => new Date(bucket * size * 1000).toISOString();
  const coverage: CoveragePoint[] = [{ at: at(first), succeeded: 0, pct: 0 }];
  let cumulative = 0;
  counts.forEach((n, i) => {
    cumulative += n;
    coverage.push({ at: at(first + i + 1), succeeded: cumulative, pct: percent(cumulative, denominator) });
  });
  return { coverage, coverageBucketMinutes: size / 60 };
}

interface AdvertCounts {
  targeted: number;
  succeeded: number;
  failed: number;
  noStatus: number;
}
const emptyAdvertCounts = (): AdvertCounts => ({ targeted: 0, succeeded: 0, failed: 0, noStatus: 0 });
const withAdvertPct = <T extends AdvertCounts>(c: T) => ({ ...c, compliancePct: percent(c.succeeded, c.targeted) });

interface UpdateCounts {
  total: number;
  applicable: number;
  installed: number;
  required: number;
  failed: number;
}
const emptyUpdateCounts = (): UpdateCounts => ({ total: 0, applicable: 0, installed: 0, required: 0, failed: 0 });
const withInstalledPct = <T extends UpdateCounts>(c: T) => ({ ...c, installedPct: percent(c.installed, c.applicable) });

const profileOrder = (p: string) => CONNECTION_PROFILES.indexOf(p as ConnectionProfile);
const bySiteCode = (a: { siteCode: string }, b: { siteCode: string }) => a.siteCode.localeCompare(b.siteCode);
const byProfile = (a: { connectionProfile: string }, b: { connectionProfile: string }) =>
  profileOrder(a.connectionProfile) - profileOrder(b.connectionProfile);

/** The advertisement's collection and, when it includes them, every sub-collection (cycle-safe). */
function targetCollectionRowIds(
  all: { id: string; collectionId: string; parentCollectionId: string | null }[],
  collectionId: string,
  includeSub: boolean,
): string[] {
  const root = all.find((c) => c.collectionId === collectionId);
  if (!root) return [];
  const rowIds = [root.id];
  if (!includeSub) return rowIds;
  const children = new Map<string, typeof all>();
  for (const c of all) {
    if (c.parentCollectionId === null) continue;
    children.set(c.parentCollectionId, [...(children.get(c.parentCollectionId) ?? []), c]);
  }
  const seen = new Set([root.collectionId]);
  const queue = [root.collectionId];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.collectionId)) continue;
      seen.add(child.collectionId);
      rowIds.push(child.id);
      queue.push(child.collectionId);
    }
  }
  return rowIds;
}

export function createMonitoringService(db: DbClient) {
  return {
    /** Where an advertisement's rollout stands: one snapshot, also what the stream pushes. */
    async advertisementMonitor(scope: FleetScope, advertisementId: string): Promise<AdvertisementMonitor> {
      const generatedAt = new Date().toISOString();
      const [ad, collections] = await Promise.all([
        repo.findAdvertisement(db, scope.fleetId, advertisementId),
        repo.listCollections(db, scope.fleetId),
      ]);
      if (!ad) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
      const target: TargetScope = {
        fleetId: scope.fleetId,
        collectionRowIds: targetCollectionRowIds(collections, ad.collectionId, ad.includeSubCollection),
      };
      const [[rows, sample, firsts], haltVerification] = await Promise.all([
        target.collectionRowIds.length === 0
          ? Promise.resolve([[], [], []] as [[], [], []])
          : Promise.all([
              repo.advertisementStateCounts(db, target, advertisementId),
              repo.neverReportedSample(db, target, advertisementId, NEVER_REPORTED_SAMPLE),
              repo.advertisementFirstSuccesses(db, target, advertisementId),
            ]),
        // When the program was disabled and whether anything started after it (halts): live with the figures.
        haltVerificationFor(db, scope, advertisementId),
      ]);

      const total = emptyAdvertCounts();
      const sites = new Map<string, AdvertCounts>();
      const links = new Map<string, AdvertCounts>();
      const byState: Partial<Record<ClientState, number>> = {};
      const exitCodes = new Map<number | null, number>();
      for (const r of rows) {
        const site = sites.get(r.siteCode) ?? emptyAdvertCounts();
        const link = links.get(r.connectionProfile) ?? emptyAdvertCounts();
        sites.set(r.siteCode, site);
        links.set(r.connectionProfile, link);
        for (const c of [total, site, link]) {
          c.targeted += r.count;
          if (r.state === null) c.noStatus += r.count;
          else if (r.state === "SUCCEEDED") c.succeeded += r.count;
          else if (r.state === "FAILED") c.failed += r.count;
        }
        if (r.state !== null) byState[r.state as ClientState] = (byState[r.state as ClientState] ?? 0) + r.count;
        if (r.state === "FAILED") exitCodes.set(r.exitCode, (exitCodes.get(r.exitCode) ?? 0) + r.count);
      }
      const failures: ExitCodeCount[] = [...exitCodes]
        .sort(([a, x], [b, y]) => y - x || (a ?? Number.MIN_SAFE_INTEGER) - (b ?? Number.MIN_SAFE_INTEGER))
        .slice(0, TOP_EXIT_CODES)
        .map(([exitCode, count]) => {
          const meaning = exitCodeMeaning(exitCode);
          return { exitCode, count, ...(meaning ? { meaning } : {}) };
        });

      return {
        advertisementId: ad.advertisementId,
        generatedAt,
        ...withAdvertPct(total),
        byState,
        bySite: [...sites].map(([siteCode, c]) => withAdvertPct({ siteCode, ...c })).sort(bySiteCode),
        byLinkClass: [...links]
          .map(([p, c]) => withAdvertPct({ connectionProfile: p as ConnectionProfile, ...c }))
          .sort(byProfile),
        failures,
        neverReported: {
          count: total.noStatus,
          sample: sample.map((c) => ({
            ...c,
            connectionProfile: c.connectionProfile as ConnectionProfile,
            lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
          })),
        },
        ...coverageCurve(firsts, total.targeted),
        haltVerification,
      };
    },

    /** Where one update stands across the fleet, from the compliance rows. */
    async updateMonitor(scope: FleetScope, updateId: string): Promise<UpdateMonitor> {
      const generatedAt = new Date().toISOString();
      const [rows, installedTimes] = await Promise.all([
        repo.updateStateCounts(db, scope.fleetId, updateId),
        repo.updateInstalledTimes(db, scope.fleetId, updateId),
      ]);
      if (rows.length === 0 && !(await repo.packageNamesUpdate(db, scope.fleetId, updateId))) {
        throw new AppError("NOT_FOUND", `No compliance data and no package for update ${updateId}.`);
      }
      const total = emptyUpdateCounts();
      const sites = new Map<string, UpdateCounts>();
      const links = new Map<string, UpdateCounts>();
      const byState: Partial<Record<ComplianceState, number>> = {};
      for (const r of rows) {
        const site = sites.get(r.siteCode) ?? emptyUpdateCounts();
        const link = links.get(r.connectionProfile) ?? emptyUpdateCounts();
        sites.set(r.siteCode, site);
        links.set(r.connectionProfile, link);
        for (const c of [total, site, link]) {
          c.total += r.count;
          if (r.state !== "NOT_APPLICABLE") c.applicable += r.count;
          if (r.state === "INSTALLED" || r.state === "INSTALLED_PENDING_REBOOT") c.installed += r.count;
          else if (r.state === "REQUIRED") c.required += r.count;
          else if (r.state === "FAILED") c.failed += r.count;
        }
        const state = r.state as ComplianceState;
        byState[state] = (byState[state] ?? 0) + r.count;
      }
      return {
        updateId,
        generatedAt,
        ...withInstalledPct(total),
        byState,
        bySite: [...sites].map(([siteCode, c]) => withInstalledPct({ siteCode, ...c })).sort(bySiteCode),
        byLinkClass: [...links]
          .map(([p, c]) => withInstalledPct({ connectionProfile: p as ConnectionProfile, ...c }))
          .sort(byProfile),
        ...coverageCurve(installedTimes, total.applicable),
      };
    },

    // ── for the live stream
    statusSince: (scope: FleetScope, advertisementId: string, afterSeq: bigint) =>
      repo.statusSince(db, scope.fleetId, advertisementId, afterSeq),
    statusTotals: (scope: FleetScope, advertisementId: string) => repo.statusTotals(db, scope.fleetId, advertisementId),

    /** Whether a stream's session may still read: not signed out, expired, disabled or moved to another role. */
    async sessionMayRead(sessionId: string, roles: readonly Role[]): Promise<boolean> {
      const s = await repo.findLiveSession(db, sessionId);
      return !!s && !s.user.disabled && roles.includes(s.user.role);
    },
  };
}
export type MonitoringService = ReturnType<typeof createMonitoringService>;
