import { createHash } from "node:crypto";
import { canonicalJson } from "../../lib/canonical-json.js";

/** The fields an audit hash covers. `seq` is left out: the chain itself orders the rows. */
export interface ChainedFields {
  at: Date;
  actorId: string | null;
  actorName: string;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  underAuthorityGrantId: string | null;
}

export const GENESIS_HASH = "0".repeat(64);

export function auditHash(prevHash: string, f: ChainedFields): string {
  const payload = canonicalJson({
    prevHash,
    at: f.at.toISOString(),
    actorId: f.actorId,
    actorName: f.actorName,
    actorRole: f.actorRole,
    action: f.action,
    entityType: f.entityType,
    entityId: f.entityId,
    before: f.before ?? null,
    after: f.after ?? null,
    requestId: f.requestId,
    underAuthorityGrantId: f.underAuthorityGrantId,
  });
  return createHash("sha256").update(payload).digest("hex");
}

export interface ChainRow extends ChainedFields {
  seq: bigint;
  prevHash: string;
  hash: string;
}

export type ChainCheck = { ok: true } | { ok: false; seq: bigint; reason: string };

/** Walks rows in seq order from `expectedPrev`; reports the first row whose link or content does not verify. */
export function checkChain(rows: ChainRow[], expectedPrev: string): { result: ChainCheck; lastHash: string } {
  let prev = expectedPrev;
  for (const row of rows) {
    if (row.prevHash !== prev) {
      return {
        result: {
          ok: false,
          seq: row.seq,
          reason: "its link to the previous entry is broken (an entry before it was removed or altered)",
        },
        lastHash: prev,
      };
    }
    if (auditHash(row.prevHash, row) !== row.hash) {
      return {
        result: { ok: false, seq: row.seq, reason: "its content does not match its hash (the entry was altered)" },
        lastHash: prev,
      };
    }
    prev = row.hash;
  }
  return { result: { ok: true }, lastHash: prev };
}
