import { createHash, randomBytes } from "node:crypto";
import { canonicalJson } from "../../lib/canonical-json.js";
import {
  AppError,
  clientStateOfMessage,
  nextClientState,
  type ClientAdvertState,
  type ClientState,
  type ComplianceBatch,
  type DpStatusBatch,
  type ErrorDetail,
  type IngestResult,
  type StatusBatch,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import type { IngestPrincipal } from "../../plugins/auth.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { hashToken } from "../auth/auth.service.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import type { TableStats } from "../../lib/table-stats.js";
import { isProgramResult } from "../halts/halts.service.js";
import { haltRuleRunner } from "../halts/halt-rules.runner.js";
import { notifyStatusStored } from "../monitoring/monitoring.stream.js";
import { ingestRepository as repo, ingestTokenRepository, type ClientStatusRow } from "./ingest.repository.js";

const MAX_DETAILS = 50;

function rejectBatch(details: ErrorDetail[], total: number): never {
  const shown = details.slice(0, MAX_DETAILS);
  throw new AppError(
    "VALIDATION_FAILED",
    `The batch was rejected and nothing was stored: ${total} row${total === 1 ? "" : "s"} ${total === 1 ? "is" : "are"} not valid${total > MAX_DETAILS ? ` (first ${MAX_DETAILS} listed)` : ""}.`,
    { details: shown },
  );
}

const toState = (r: ClientStatusRow): ClientAdvertState => ({
  state: r.lastState as ClientState,
  lastStatusMessageId: r.lastStatusMessageId,
  lastStatusTime: r.lastStatusTime.toISOString(),
  lastExitCode: r.lastExitCode === null ? null : Number(r.lastExitCode),
  lastAcceptanceMessageId: r.lastAcceptanceMessageId,
  lastAcceptanceTime: r.lastAcceptanceTime?.toISOString() ?? null,
});

const sameState = (a: ClientAdvertState, b: ClientAdvertState) =>
  a.state === b.state &&
  a.lastStatusMessageId === b.lastStatusMessageId &&
  a.lastStatusTime === b.lastStatusTime &&
  a.lastExitCode === b.lastExitCode &&
  a.lastAcceptanceTime === b.lastAcceptanceTime &&
  a.lastAcceptanceMessageId === b.lastAcceptanceMessageId;

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && "code" in err && (err as { code: string }).code === "P2002";

export function createIngestService(db: Db, stats?: TableStats) {
  const ingestActor = (p: IngestPrincipal, requestId: string): Actor => ({
    userId: null,
    username: `ingest:${p.name}`,
    role: null,
    requestId,
  });

  /** Runs `apply` once per batch id: a replay (even a concurrent one) gets the first answer back. */
  async function once(
    p: IngestPrincipal,
    batchId: string,
    kind: string,
    rows: unknown,
    apply: (tx: DbClient) => Promise<IngestResult>,
  ): Promise<IngestResult> {
    const contentHash = createHash("sha256").update(canonicalJson(rows)).digest("hex");
    const replay = async () => {
      const stored = await repo.findBatch(db, p.fleetId, batchId);
      if (!stored) return null;
      if (stored.kind !== kind)
        throw new AppError("CONFLICT", `Batch id ${batchId} was already used for a ${stored.kind} batch.`, {
          details: [{ path: "body.batchId", message: "is taken" }],
        });
      if (stored.contentHash !== contentHash) {
        throw new AppError(
          "CONFLICT",
          `Batch id ${batchId} was already used for different rows; nothing was stored. Send new rows under a new batch id.`,
          {
            details: [{ path: "body.batchId", message: "was used for other rows" }],
          },
        );
      }
      return { ...(stored.response as IngestResult), replay: true };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      return await writeTransaction(
        db,
        async (tx) => {
          await repo.claimBatch(tx, {
            fleetId: p.fleetId,
            batchId,
            kind,
            tokenId: p.tokenId,
            contentHash,
            response: {},
          });
          const result = await apply(tx);
          await repo.setBatchResponse(tx, p.fleetId, batchId, result as unknown as Prisma.InputJsonValue);
          return result;
        },
        { timeout: 60_000, maxWait: 60_000 },
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        const concurrent = await replay();
        if (concurrent) return concurrent;
      }
      throw err;
    }
  }

  async function storeStatus(p: IngestPrincipal, requestId: string, batch: StatusBatch): Promise<IngestResult> {
    const details: ErrorDetail[] = [];
    const ads = await repo.existingAdvertisementIds(db, p.fleetId, [
      ...new Set(batch.messages.map((m) => m.advertisementId)),
    ]);
    const resources = await repo.computerSites(db, p.fleetId, [...new Set(batch.messages.map((m) => m.resourceId))]);
    let bad = 0;
    batch.messages.forEach((m, i) => {
      const before = details.length;
      if (!p.siteCodes.includes(m.siteCode))
        details.push({ path: `messages.${i}.siteCode`, message: `this token may not report for site ${m.siteCode}` });
      if (!ads.has(m.advertisementId))
        details.push({ path: `messages.${i}.advertisementId`, message: `no advertisement ${m.advertisementId}` });
      const site = resources.get(m.resourceId);
      if (site === undefined)
        details.push({ path: `messages.${i}.resourceId`, message: `no computer with resource id ${m.resourceId}` });
      else if (site !== m.siteCode)
        details.push({
          path: `messages.${i}.siteCode`,
          message: `computer ${m.resourceId} belongs to site ${site}, not ${m.siteCode}`,
        });
      if (clientStateOfMessage(m.messageId) === undefined)
        details.push({
          path: `messages.${i}.messageId`,
          message: `${m.messageId} is not an advertisement status message id`,
        });
      if (details.length > before) bad++;
    });
    if (bad > 0) rejectBatch(details, bad);

    return once(p, batch.batchId, "status", batch.messages, async (tx) => {
      await repo.insertStatusMessages(tx, p.fleetId, batch.batchId, batch.messages);
      const key = (a: string, r: number) => `${a}\u0000${r}`;
      const keys = new Map<string, { advertisementId: string; resourceId: number }>();
      for (const m of batch.messages)
        keys.set(key(m.advertisementId, m.resourceId), {
          advertisementId: m.advertisementId,
          resourceId: m.resourceId,
        });
      const existing = new Map(
        (await repo.clientStatuses(tx, p.fleetId, [...keys.values()])).map((r) => [
          key(r.advertisementId, r.resourceId),
          toState(r),
        ]),
      );
      const start = new Map(existing);
      let ignoredAsOlder = 0;
      for (const m of batch.messages) {
        const k = key(m.advertisementId, m.resourceId);
        const cur = existing.get(k) ?? null;
        const next = nextClientState(cur, { messageId: m.messageId, time: m.time, exitCode: m.exitCode ?? null });
        if (
          cur &&
          next.lastStatusMessageId === cur.lastStatusMessageId &&
          next.lastStatusTime === cur.lastStatusTime &&
          next.state === cur.state
        )
          ignoredAsOlder++;
        existing.set(k, next);
      }
      const changed: ClientStatusRow[] = [];
      for (const [k, s] of existing) {
        const before = start.get(k);
        if (before && sameState(before, s)) continue;
        const ref = keys.get(k)!;
        changed.push({
          advertisementId: ref.advertisementId,
          resourceId: ref.resourceId,
          lastState: s.state,
          lastStatusMessageId: s.lastStatusMessageId ?? 0,
          lastStatusTime: new Date(s.lastStatusTime ?? 0),
          lastExitCode: s.lastExitCode === null ? null : BigInt(s.lastExitCode),
          lastAcceptanceMessageId: s.lastAcceptanceMessageId,
          lastAcceptanceTime: s.lastAcceptanceTime ? new Date(s.lastAcceptanceTime) : null,
        });
      }
      await repo.upsertClientStatuses(tx, p.fleetId, changed);
      stats?.noteWrites("client_advert_status", changed.length);
      stats?.noteWrites("status_messages", batch.messages.length);
      const result: IngestResult = {
        batchId: batch.batchId,
        accepted: batch.messages.length,
        clientStatesChanged: changed.length,
        ignoredAsOlder,
        replay: false,
      };
      await recordAudit(tx, ingestActor(p, requestId), {
        action: "ingest.status_batch",
        entityType: "ingest_batch",
        entityId: batch.batchId,
        after: result,
      });
      return result;
    });
  }

  /**
   * After a status batch is stored (or replayed): live monitors in this process look at once
   * (other instances notice on their poll), and the automatic halt rules of the advertisements
   * whose part of the batch holds program results are evaluated in the background — the
   * acknowledgement never waits for them, and the periodic sweep catches what they miss (decision 008).
   */
  function afterStatusBatch(p: IngestPrincipal, requestId: string, batch: StatusBatch, replay: boolean) {
    if (!replay) notifyStatusStored(db, p.fleetId, [...new Set(batch.messages.map((m) => m.advertisementId))]);
    const withResults = new Set(
      batch.messages.filter((m) => isProgramResult(m.messageId)).map((m) => m.advertisementId),
    );
    haltRuleRunner(db).afterStatus(p.fleetId, [...withResults], requestId);
  }

  return {
    async createToken(actor: Actor, scope: FleetScope, body: { name: string; siteCodes: string[] }) {
      const token = `fbi_${randomBytes(32).toString("base64url")}`;
      return writeTransaction(db, async (tx) => {
        const row = await ingestTokenRepository.create(tx, {
          fleetId: scope.fleetId,
          name: body.name,
          tokenHash: hashToken(token),
          siteCodes: body.siteCodes,
          createdBy: actor.username,
        });
        await recordAudit(tx, actor, {
          action: "ingest_token.create",
          entityType: "ingest_token",
          entityId: row.id,
          after: { name: row.name, siteCodes: row.siteCodes },
        });
        return { ...row, token };
      });
    },

    /**
     * A batch of SMS status messages, validated as a whole: one bad row rejects it with row-level
     * reasons and stores nothing. Client states fold with `nextClientState`, so late and
     * out-of-order messages never move a state backwards. After it commits (or is replayed), every
     * caller gets the same follow-up: live monitors and automatic halt rules (`afterStatusBatch`).
     */
    async ingestStatus(p: IngestPrincipal, requestId: string, batch: StatusBatch): Promise<IngestResult> {
      const result = await storeStatus(p, requestId, batch);
      afterStatusBatch(p, requestId, batch, result.replay);
      return result;
    },

    /** Distribution-point status of packages (what the site's distribution manager reports). */
    async ingestDpStatus(p: IngestPrincipal, requestId: string, batch: DpStatusBatch): Promise<IngestResult> {
      const details: ErrorDetail[] = [];
      const packages = await repo.packageRowIds(db, p.fleetId, [...new Set(batch.changes.map((c) => c.packageId))]);
      const servers = await repo.siteSystemSites(db, p.fleetId, [...new Set(batch.changes.map((c) => c.serverName))]);
      let bad = 0;
      batch.changes.forEach((c, i) => {
        const before = details.length;
        if (!p.siteCodes.includes(c.siteCode))
          details.push({ path: `changes.${i}.siteCode`, message: `this token may not report for site ${c.siteCode}` });
        if (!packages.has(c.packageId))
          details.push({ path: `changes.${i}.packageId`, message: `no package ${c.packageId}` });
        const site = servers.get(c.serverName);
        if (site === undefined)
          details.push({ path: `changes.${i}.serverName`, message: `no site system ${c.serverName}` });
        else if (site !== c.siteCode)
          details.push({
            path: `changes.${i}.siteCode`,
            message: `${c.serverName} belongs to site ${site}, not ${c.siteCode}`,
          });
        if (details.length > before) bad++;
      });
      if (bad > 0) rejectBatch(details, bad);
      return once(p, batch.batchId, "dp-status", batch.changes, async (tx) => {
        const newest = new Map<string, DpStatusBatch["changes"][number]>();
        for (const c of batch.changes) {
          const k = `${c.packageId}\u0000${c.serverName}`;
          const cur = newest.get(k);
          if (!cur || Date.parse(c.time) >= Date.parse(cur.time)) newest.set(k, c);
        }
        const changed = await repo.upsertDistributions(
          tx,
          [...newest.values()].map((c) => ({ ...c, packageRowId: packages.get(c.packageId)! })),
        );
        const result: IngestResult = {
          batchId: batch.batchId,
          accepted: batch.changes.length,
          clientStatesChanged: changed,
          ignoredAsOlder: newest.size - changed,
          replay: false,
        };
        await recordAudit(tx, ingestActor(p, requestId), {
          action: "ingest.dp_status_batch",
          entityType: "ingest_batch",
          entityId: batch.batchId,
          after: result,
        });
        return result;
      });
    },

    async ingestCompliance(p: IngestPrincipal, requestId: string, batch: ComplianceBatch): Promise<IngestResult> {
      const details: ErrorDetail[] = [];
      const resources = await repo.computerSites(db, p.fleetId, [...new Set(batch.rows.map((r) => r.resourceId))]);
      let bad = 0;
      batch.rows.forEach((r, i) => {
        const before = details.length;
        if (!p.siteCodes.includes(r.siteCode))
          details.push({ path: `rows.${i}.siteCode`, message: `this token may not report for site ${r.siteCode}` });
        const site = resources.get(r.resourceId);
        if (site === undefined)
          details.push({ path: `rows.${i}.resourceId`, message: `no computer with resource id ${r.resourceId}` });
        else if (site !== r.siteCode)
          details.push({
            path: `rows.${i}.siteCode`,
            message: `computer ${r.resourceId} belongs to site ${site}, not ${r.siteCode}`,
          });
        if (details.length > before) bad++;
      });
      if (bad > 0) rejectBatch(details, bad);

      return once(p, batch.batchId, "compliance", batch.rows, async (tx) => {
        // Within one batch the newest row per computer × update wins, like across batches.
        const newest = new Map<string, ComplianceBatch["rows"][number]>();
        for (const r of batch.rows) {
          const k = `${r.updateId}\u0000${r.resourceId}`;
          const cur = newest.get(k);
          if (!cur || Date.parse(r.time) >= Date.parse(cur.time)) newest.set(k, r);
        }
        const changed = await repo.upsertCompliance(tx, p.fleetId, [...newest.values()]);
        stats?.noteWrites("update_compliance", changed);
        const result: IngestResult = {
          batchId: batch.batchId,
          accepted: batch.rows.length,
          clientStatesChanged: changed,
          ignoredAsOlder: newest.size - changed,
          replay: false,
        };
        await recordAudit(tx, ingestActor(p, requestId), {
          action: "ingest.compliance_batch",
          entityType: "ingest_batch",
          entityId: batch.batchId,
          after: result,
        });
        return result;
      });
    },
  };
}
