import type { Prisma } from "@firebreak/db";
import type { TimelineEntry, TimelineEventInput } from "@firebreak/domain";
import type { DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { timelineRepository, type TimelineRow } from "./timeline.repository.js";

/**
 * Appends events to the timeline (the war room's live record and the drill metrics' source) in
 * the caller's transaction. The domain builds the events; this fills in who and where.
 */
export async function recordTimeline(
  tx: DbClient,
  actor: Actor,
  fleetId: string,
  events: TimelineEventInput[],
  refs: { caseId?: string | null; emergencyId?: string | null; rollbackId?: string | null } = {},
): Promise<void> {
  for (const e of events) {
    await timelineRepository.append(tx, {
      fleetId,
      caseId: e.caseId ?? refs.caseId ?? null,
      emergencyId: e.emergencyId ?? refs.emergencyId ?? null,
      rollbackId: refs.rollbackId ?? null,
      at: new Date(e.at),
      actorId: actor.userId,
      actorName: actor.username,
      actorRole: actor.role,
      underAuthorityGrantId: actor.authorityGrantId ?? null,
      type: e.type,
      payload: jsonSafe({ summary: e.summary, ...(e.payload as object) }) as Prisma.InputJsonValue,
    });
  }
}

export function toTimelineEntry(row: TimelineRow): TimelineEntry {
  const payload = (row.payload ?? {}) as { summary?: string };
  return {
    seq: row.seq.toString(),
    at: row.at.toISOString(),
    type: row.type,
    actorName: row.actorName,
    actorRole: row.actorRole,
    underAuthorityGrant: row.underAuthorityGrantId !== null,
    caseId: row.caseId,
    emergencyId: row.emergencyId,
    summary: payload.summary ?? row.type,
    payload: row.payload,
  };
}
