import type { CaseActionType } from "../process/case-states.js";
import type { TimelineEventType, TimelinePayload } from "../process/timeline.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";

/**
 * Reading a drill's timeline. Events come back from storage with `type` as a plain string and
 * payloads as JSON, so the readers here are tolerant: an unknown type or a missing field is
 * skipped, never thrown on.
 */

export interface TimelineEventLike {
  id?: string | null;
  type: string;
  at: TimeInput;
  actorId?: string | null;
  summary?: string;
  payload?: unknown;
}

export interface TimedEvent {
  event: TimelineEventLike;
  ms: number;
}

/** Events in [fromMs, toMs], oldest first; ties keep their stored order. */
export function eventsBetween(timeline: readonly TimelineEventLike[], fromMs: number, toMs: number): TimedEvent[] {
  return timeline
    .map((event) => ({ event, ms: toEpochMs(event.at) }))
    .filter((e) => e.ms >= fromMs && e.ms <= toMs)
    .sort((a, b) => a.ms - b.ms);
}

/** The payload of an event of `type`, every field optional (stored JSON may lack some). */
export function payloadOf<T extends TimelineEventType>(
  e: TimelineEventLike,
  type: T,
): Partial<TimelinePayload<T>> | null {
  if (e.type !== type || typeof e.payload !== "object" || e.payload === null) return null;
  return e.payload as Partial<TimelinePayload<T>>;
}

export const isCaseAction = (e: TimelineEventLike, action: CaseActionType): boolean =>
  payloadOf(e, "CASE_TRANSITION")?.action === action;

export function firstEvent(
  events: readonly TimedEvent[],
  match: (e: TimelineEventLike) => boolean,
  fromMs = Number.NEGATIVE_INFINITY,
): TimedEvent | null {
  return events.find((e) => e.ms >= fromMs && match(e.event)) ?? null;
}

export function lastEvent(
  events: readonly TimedEvent[],
  match: (e: TimelineEventLike) => boolean,
  toMs = Number.POSITIVE_INFINITY,
): TimedEvent | null {
  let found: TimedEvent | null = null;
  for (const e of events) if (e.ms <= toMs && match(e.event)) found = e;
  return found;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
