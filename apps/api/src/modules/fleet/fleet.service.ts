import {
  AppError,
  isPatchInfrastructure,
  type CollectionRecord,
  type ComputerPage,
  type FleetImport,
  type FleetImportResult,
  type ListComputersQuery,
  type SenderAddressRecord,
  type SiteRecord,
  type UpdateSenderAddressBody,
  type Site,
  type CollectionRule,
  type SiteSystemView,
  type Boundary,
  type ComplianceState,
  type ComplianceSummary,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { fleetRepository, type CollectionRow, type SenderAddressRow, type SiteRow } from "./fleet.repository.js";
import type { FleetScope } from "./fleet-scope.js";
import type { TableStats } from "../../lib/table-stats.js";

const toSite = (s: SiteRow, computerCount: number): SiteRecord => ({ ...s, computerCount });

export function toSenderAddress(a: SenderAddressRow): SenderAddressRecord {
  const { savedBaseline, updatedAt, ...rest } = a;
  return {
    ...rest,
    usageSchedule: a.usageSchedule as SenderAddressRecord["usageSchedule"],
    rateLimit: a.rateLimit as SenderAddressRecord["rateLimit"],
    relaxedForEmergency: savedBaseline !== null,
    updatedAt: updatedAt.toISOString(),
  };
}

const toCollection = (c: CollectionRow): CollectionRecord => ({
  ...c,
  rules: c.rules as CollectionRule[],
  evaluatedAt: c.evaluatedAt?.toISOString() ?? null,
});

function validateHierarchy(sites: { siteCode: string; type: string; parentSiteCode: string | null }[]) {
  const byCode = new Map(sites.map((s) => [s.siteCode, s]));
  for (const s of sites) {
    if (s.parentSiteCode && !byCode.has(s.parentSiteCode)) {
      throw new AppError(
        "VALIDATION_FAILED",
        `Site ${s.siteCode} names parent ${s.parentSiteCode}, which does not exist.`,
        { details: [{ path: "parentSiteCode", message: "no such site" }] },
      );
    }
    if (s.type === "SECONDARY" && s.parentSiteCode && byCode.get(s.parentSiteCode)?.type === "SECONDARY") {
      throw new AppError(
        "VALIDATION_FAILED",
        `Secondary site ${s.siteCode} must report to a primary or central site.`,
        { details: [{ path: "parentSiteCode", message: "a secondary site cannot be a parent" }] },
      );
    }
  }
  const centrals = sites.filter((s) => s.type === "CENTRAL");
  if (centrals.length > 1)
    throw new AppError("VALIDATION_FAILED", "A hierarchy has one central site.", {
      details: [{ path: "type", message: "a central site exists already" }],
    });
}

export function createFleetService(db: Db, stats?: TableStats) {
  return {
    async listSites(scope: FleetScope): Promise<SiteRecord[]> {
      const [sites, counts] = await Promise.all([
        fleetRepository.listSites(db, scope.fleetId),
        fleetRepository.computerCountsBySite(db, scope.fleetId),
      ]);
      return sites.map((s) => toSite(s, counts.get(s.siteCode) ?? 0));
    },

    async createSite(actor: Actor, scope: FleetScope, body: Site): Promise<SiteRecord> {
      return writeTransaction(db, async (tx) => {
        if (await fleetRepository.findSite(tx, scope.fleetId, body.siteCode)) {
          throw new AppError("CONFLICT", `Site code ${body.siteCode} is taken.`, {
            details: [{ path: "body.siteCode", message: "is taken" }],
          });
        }
        const existing = await fleetRepository.listSites(tx, scope.fleetId);
        validateHierarchy([...existing, body]);
        const site = await fleetRepository.createSite(tx, scope.fleetId, {
          ...body,
          utcOffsetMinutes: body.utcOffsetMinutes ?? 0,
        });
        await recordAudit(tx, actor, {
          action: "site.create",
          entityType: "site",
          entityId: site.siteCode,
          after: site,
        });
        return toSite(site, 0);
      });
    },

    async updateSite(
      actor: Actor,
      scope: FleetScope,
      siteCode: string,
      version: number,
      body: { name?: string; utcOffsetMinutes?: number },
    ): Promise<SiteRecord> {
      return writeTransaction(db, async (tx) => {
        const before = await fleetRepository.findSite(tx, scope.fleetId, siteCode);
        if (!before) throw new AppError("NOT_FOUND", `No site ${siteCode}.`);
        if (before.version !== version) throw staleVersion("site");
        const after = await fleetRepository.updateSiteIfVersion(tx, before.id, version, body);
        if (!after) throw staleVersion("site");
        await recordAudit(tx, actor, { action: "site.update", entityType: "site", entityId: siteCode, before, after });
        return toSite(after, (await fleetRepository.computerCountsBySite(tx, scope.fleetId)).get(siteCode) ?? 0);
      });
    },

    async listSiteSystems(scope: FleetScope): Promise<(SiteSystemView & { id: string })[]> {
      return (await fleetRepository.listSiteSystems(db, scope.fleetId)).map((s) => ({
        id: s.id,
        serverName: s.serverName,
        siteCode: s.siteCode,
        roles: s.roles,
        bitsEnabled: s.bitsEnabled,
        ...(s.contentLinkKbps !== null ? { contentLinkKbps: s.contentLinkKbps } : {}),
        ...(s.capacityKbps !== null ? { capacityKbps: s.capacityKbps } : {}),
        isPatchInfrastructure: isPatchInfrastructure(s.roles),
      }));
    },

    async listBoundaries(scope: FleetScope): Promise<(Boundary & { id: string })[]> {
      return (await fleetRepository.listBoundaries(db, scope.fleetId)).map((b) => ({
        id: b.id,
        boundaryId: b.boundaryId,
        siteCode: b.siteCode,
        kind: b.kind,
        value: b.value,
        connection: b.connection,
        protectedDpServerNames: b.protectedDpServerNames,
        ...(b.linkKbps !== null ? { linkKbps: b.linkKbps } : {}),
      }));
    },

    async listSenderAddresses(scope: FleetScope): Promise<SenderAddressRecord[]> {
      return (await fleetRepository.listAddresses(db, scope.fleetId)).map(toSenderAddress);
    },

    async getSenderAddress(scope: FleetScope, addressId: string): Promise<SenderAddressRecord> {
      const a = await fleetRepository.findAddress(db, scope.fleetId, addressId);
      if (!a) throw new AppError("NOT_FOUND", `No sender address ${addressId}.`);
      return toSenderAddress(a);
    },

    async updateSenderAddress(
      actor: Actor,
      scope: FleetScope,
      addressId: string,
      version: number,
      body: UpdateSenderAddressBody,
    ): Promise<SenderAddressRecord> {
      return writeTransaction(db, async (tx) => {
        const before = await fleetRepository.findAddress(tx, scope.fleetId, addressId);
        if (!before) throw new AppError("NOT_FOUND", `No sender address ${addressId}.`);
        if (before.version !== version) throw staleVersion("sender address");
        const data: Prisma.SenderAddressUncheckedUpdateInput = {
          ...(body.usageSchedule ? { usageSchedule: body.usageSchedule as Prisma.InputJsonValue } : {}),
          ...(body.rateLimit ? { rateLimit: body.rateLimit as Prisma.InputJsonValue } : {}),
          ...(body.unavailableAsSubstitute !== undefined
            ? { unavailableAsSubstitute: body.unavailableAsSubstitute }
            : {}),
          ...(body.priorityOrder !== undefined ? { priorityOrder: body.priorityOrder } : {}),
          ...(body.bandwidthKbps !== undefined ? { bandwidthKbps: body.bandwidthKbps } : {}),
        };
        const after = await fleetRepository.updateAddressIfVersion(tx, before.id, version, data);
        if (!after) throw staleVersion("sender address");
        await recordAudit(tx, actor, {
          action: "sender_address.update",
          entityType: "sender_address",
          entityId: addressId,
          before: toSenderAddress(before),
          after: toSenderAddress(after),
        });
        return toSenderAddress(after);
      });
    },

    async pageComputers(scope: FleetScope, q: ListComputersQuery): Promise<ComputerPage> {
      const { items, total } = await fleetRepository.pageComputers(db, scope.fleetId, q);
      return {
        items: items.map((c) => ({ ...c, lastSeenAt: c.lastSeenAt?.toISOString() ?? null })),
        page: q.page,
        pageSize: q.pageSize,
        total,
      };
    },

    async complianceSummary(scope: FleetScope): Promise<ComplianceSummary> {
      const byUpdate = new Map<string, ComplianceSummary["items"][number]>();
      for (const r of await fleetRepository.complianceCounts(db, scope.fleetId)) {
        const item = byUpdate.get(r.updateId) ?? { updateId: r.updateId, total: 0, byState: {}, installedPct: 0 };
        item.byState[r.state as ComplianceState] = r.count;
        item.total += r.count;
        byUpdate.set(r.updateId, item);
      }
      for (const item of byUpdate.values()) {
        const applicable = item.total - (item.byState.NOT_APPLICABLE ?? 0);
        const installed = (item.byState.INSTALLED ?? 0) + (item.byState.INSTALLED_PENDING_REBOOT ?? 0);
        item.installedPct = applicable === 0 ? 0 : Math.round((installed / applicable) * 10_000) / 100;
      }
      return { items: [...byUpdate.values()] };
    },

    async listCollections(scope: FleetScope): Promise<CollectionRecord[]> {
      return (await fleetRepository.listCollections(db, scope.fleetId)).map(toCollection);
    },

    async getCollection(scope: FleetScope, collectionId: string): Promise<CollectionRecord> {
      const c = await fleetRepository.findCollection(db, scope.fleetId, collectionId);
      if (!c) throw new AppError("NOT_FOUND", `No collection ${collectionId}.`);
      return toCollection(c);
    },

    /**
     * Bulk, idempotent upsert of the hierarchy and fleet (what the simulator or a migration from a
     * real site sends). One transaction per call, one audit entry with the counts.
     */
    async importFleet(actor: Actor, scope: FleetScope, body: FleetImport): Promise<FleetImportResult> {
      const result: FleetImportResult = {
        sites: 0,
        siteSystems: 0,
        boundaries: 0,
        senderAddresses: 0,
        computers: 0,
        collections: 0,
      };
      let members = 0;
      const done = await writeTransaction(
        db,
        async (tx) => {
          if (body.sites?.length) {
            const existing = await fleetRepository.listSites(tx, scope.fleetId);
            const merged = new Map(
              existing.map((s) => [s.siteCode, s as { siteCode: string; type: string; parentSiteCode: string | null }]),
            );
            for (const s of body.sites) merged.set(s.siteCode, s);
            validateHierarchy([...merged.values()]);
            // Parents first, so a child never points at a site that is not there yet.
            const ordered = [...body.sites].sort((a, b) => typeRank(a.type) - typeRank(b.type));
            for (const s of ordered) {
              await fleetRepository.upsertSite(tx, scope.fleetId, {
                siteCode: s.siteCode,
                name: s.name,
                type: s.type,
                parentSiteCode: s.parentSiteCode,
                utcOffsetMinutes: s.utcOffsetMinutes ?? 0,
              });
              result.sites++;
            }
          }
          const siteCodes = new Set((await fleetRepository.listSites(tx, scope.fleetId)).map((s) => s.siteCode));
          const requireSite = (code: string, path: string) => {
            if (!siteCodes.has(code))
              throw new AppError("VALIDATION_FAILED", `${path} names site ${code}, which does not exist.`, {
                details: [{ path, message: `no site ${code}` }],
              });
          };
          for (const [i, s] of (body.siteSystems ?? []).entries()) {
            requireSite(s.siteCode, `body.siteSystems.${i}.siteCode`);
            await fleetRepository.upsertSiteSystem(tx, scope.fleetId, {
              serverName: s.serverName,
              siteCode: s.siteCode,
              roles: s.roles,
              bitsEnabled: s.bitsEnabled ?? true,
              ...(s.contentLinkKbps !== undefined ? { contentLinkKbps: s.contentLinkKbps } : {}),
              ...(s.capacityKbps !== undefined ? { capacityKbps: s.capacityKbps } : {}),
            });
            result.siteSystems++;
          }
          for (const [i, b] of (body.boundaries ?? []).entries()) {
            requireSite(b.siteCode, `body.boundaries.${i}.siteCode`);
            await fleetRepository.upsertBoundary(tx, scope.fleetId, {
              boundaryId: b.boundaryId,
              siteCode: b.siteCode,
              kind: b.kind,
              value: b.value,
              connection: b.connection,
              protectedDpServerNames: b.protectedDpServerNames ?? [],
              linkKbps: b.linkKbps ?? null,
            });
            result.boundaries++;
          }
          for (const [i, a] of (body.senderAddresses ?? []).entries()) {
            requireSite(a.siteCode, `body.senderAddresses.${i}.siteCode`);
            requireSite(a.destSiteCode, `body.senderAddresses.${i}.destSiteCode`);
            await fleetRepository.upsertAddress(tx, scope.fleetId, {
              addressId: a.addressId,
              siteCode: a.siteCode,
              destSiteCode: a.destSiteCode,
              addressType: a.addressType,
              priorityOrder: a.priorityOrder,
              usageSchedule: a.usageSchedule as Prisma.InputJsonValue,
              unavailableAsSubstitute: a.unavailableAsSubstitute,
              rateLimit: a.rateLimit as Prisma.InputJsonValue,
              bandwidthKbps: a.bandwidthKbps,
            });
            result.senderAddresses++;
          }
          const computers = body.computers ?? [];
          computers.forEach((c, i) => requireSite(c.siteCode, `body.computers.${i}.siteCode`));
          for (let i = 0; i < computers.length; i += 2000) {
            result.computers += await fleetRepository.upsertComputers(
              tx,
              scope.fleetId,
              computers.slice(i, i + 2000).map((c) => ({
                ...c,
                lastSeenAt: c.lastSeenAt ? new Date(c.lastSeenAt) : null,
                servicePack: c.servicePack ?? null,
                boundaryId: c.boundaryId ?? null,
              })),
            );
          }
          for (const c of body.collections ?? []) {
            const row = await fleetRepository.upsertCollection(tx, scope.fleetId, {
              collectionId: c.collectionId,
              name: c.name,
              parentCollectionId: c.parentCollectionId,
              rules: c.rules as Prisma.InputJsonValue,
              purpose: c.purpose,
            });
            // Direct rules name their members; query rules are evaluated by the site and arrive as memberResourceIds.
            const ids = new Set<number>(c.memberResourceIds ?? []);
            for (const r of c.rules) if (r.type === "DIRECT") ids.add(r.resourceId);
            members += await fleetRepository.replaceMembers(tx, scope.fleetId, row.id, [...ids]);
            result.collections++;
          }
          await recordAudit(tx, actor, {
            action: "fleet.import",
            entityType: "fleet",
            entityId: scope.fleetId,
            after: result,
          });
          return result;
        },
        { timeout: 120_000, maxWait: 60_000 },
      );
      stats?.noteWrites("computers", result.computers);
      stats?.noteWrites("collection_members", members);
      return done;
    },
  };
}
export type FleetService = ReturnType<typeof createFleetService>;

const typeRank = (t: string) => (t === "CENTRAL" ? 0 : t === "PRIMARY" ? 1 : 2);
