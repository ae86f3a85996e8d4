import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import { checklistItemTitles } from "../process/checklist.js";
import { isOobTaskClosed, type OobTaskKind, type OobTaskState } from "../process/oob.js";
import { releasePriorityLabels, releasePriorityRank } from "../process/priority.js";
import { advertisementDialogLabels, type AdvertisementFlagFields } from "../sms/advertisement.js";
import { AdvertFlags } from "../sms/flags.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { drillElapsedMs, type PauseLike } from "./drill-clock.js";
import {
  eventsBetween,
  firstEvent,
  isCaseAction,
  iso,
  lastEvent,
  payloadOf,
  type TimedEvent,
  type TimelineEventLike,
} from "./drill-timeline.js";
import type { DrillScenario } from "./scenario.js";

/**
 * Process deviations (domain.md §7 `processDeviations`, product.md C10): steps skipped or forced,
 * as far as the drill's timeline and final state can show them. The case machine already refuses
 * most shortcuts; these are what it lets through or cannot see.
 */

export const DEVIATION_CODES = [
  "PRIORITY_NEVER_CONFIRMED",
  "PRIORITY_BELOW_SCENARIO",
  "TESTS_SKIPPED_WITHOUT_ACCEPTANCE",
  "CHECKLIST_NOT_APPLIED",
  "SLOW_LINK_BOX_LEFT_CHECKED",
  "HALT_WITHOUT_REASON",
  "REDUCED_TESTS_NEVER_COMPLETED",
  "SENDERS_NOT_RESTORED",
] as const;
export const DeviationCodeSchema = z.enum(DEVIATION_CODES);
export type DeviationCode = z.infer<typeof DeviationCodeSchema>;

export const DEVIATION_SEVERITIES = ["MAJOR", "MINOR"] as const;
export type DeviationSeverity = (typeof DEVIATION_SEVERITIES)[number];

/** MAJOR = the release was put at risk (a major deviation fails the drill); MINOR = hygiene. */
export const deviationSeverity: Record<DeviationCode, DeviationSeverity> = {
  PRIORITY_NEVER_CONFIRMED: "MAJOR",
  PRIORITY_BELOW_SCENARIO: "MAJOR",
  TESTS_SKIPPED_WITHOUT_ACCEPTANCE: "MAJOR",
  CHECKLIST_NOT_APPLIED: "MAJOR",
  SLOW_LINK_BOX_LEFT_CHECKED: "MAJOR",
  HALT_WITHOUT_REASON: "MINOR",
  REDUCED_TESTS_NEVER_COMPLETED: "MINOR",
  SENDERS_NOT_RESTORED: "MINOR",
};

export const deviationTitles: Record<DeviationCode, string> = {
  PRIORITY_NEVER_CONFIRMED: "Priority never confirmed",
  PRIORITY_BELOW_SCENARIO: "Priority confirmed lower than the situation called for",
  TESTS_SKIPPED_WITHOUT_ACCEPTANCE: "Tests skipped without an accepted reduced-testing risk",
  CHECKLIST_NOT_APPLIED: "Deployed before the emergency checklist was applied",
  SLOW_LINK_BOX_LEFT_CHECKED: "Slow-link box left checked on the emergency advertisement",
  HALT_WITHOUT_REASON: "Halt without a reason",
  REDUCED_TESTS_NEVER_COMPLETED: "Tests kept open after reduced testing never completed",
  SENDERS_NOT_RESTORED: "Relaxed sender addresses not restored",
};

export const DrillDeviationSchema = z.object({
  code: DeviationCodeSchema,
  severity: z.enum(DEVIATION_SEVERITIES),
  title: z.string(),
  message: z.string(),
  /** When it happened (or was first visible); `null` = an absence, e.g. never confirmed. */
  at: TimestampSchema.nullable(),
});
export type DrillDeviation = z.infer<typeof DrillDeviationSchema>;

export interface OobTaskLike {
  kind: OobTaskKind;
  state: OobTaskState;
  /** When it was closed; closed tasks without it are not counted as closed in time. */
  completedAt?: TimeInput | null;
  targetRef?: { id: string; label?: string };
}

export interface DeviationInput {
  scenario: Pick<DrillScenario, "metrics" | "expectedPriority">;
  timeline: readonly TimelineEventLike[];
  startedAt: TimeInput;
  pauses?: readonly PauseLike[];
  /** Checks about what was left undone (open tests, senders) run only once the drill has ended. */
  endedAt?: TimeInput | null;
  now: TimeInput;
  oobTasks?: readonly OobTaskLike[];
  /** The drill's advertisements as they stand (their flags), when the caller has them. */
  advertisements?: readonly (AdvertisementFlagFields & { advertisementId: string })[];
}

const PLACEHOLDER_REASONS = new Set(["n/a", "na", "none", "-", "--", "tbd", "test", "x", "..."]);
const MIN_REASON = 5;

export function detectDeviations(input: DeviationInput): DrillDeviation[] {
  const start = toEpochMs(input.startedAt);
  const ended = input.endedAt !== undefined && input.endedAt !== null;
  const asOf = ended ? toEpochMs(input.endedAt as TimeInput) : toEpochMs(input.now);
  const events = eventsBetween(input.timeline, start, asOf);
  const minute = (ms: number) => `minute ${Math.floor(drillElapsedMs(start, input.pauses, ms) / 60_000)}`;
  const out: DrillDeviation[] = [];
  const add = (code: DeviationCode, message: string, at: number | null) =>
    out.push({
      code,
      severity: deviationSeverity[code],
      title: deviationTitles[code],
      message,
      at: at === null ? null : iso(at),
    });

  const prioritySet = firstEvent(events, (e) => e.type === "PRIORITY_SET");
  const confirmations = events.filter((e) => e.event.type === "PRIORITY_CONFIRMED");
  const lastConfirmed = confirmations[confirmations.length - 1];
  const confirmedPriority = lastConfirmed
    ? (payloadOf(lastConfirmed.event, "PRIORITY_CONFIRMED")?.priority ?? null)
    : null;
  const expected = input.scenario.expectedPriority;
  const emergency = expected === "EMERGENCY" || confirmedPriority === "EMERGENCY";

  // Priority.
  if (input.scenario.metrics.includes("tPriorityConfirmed") && !lastConfirmed) {
    const initial = prioritySet ? payloadOf(prioritySet.event, "PRIORITY_SET")?.priority : undefined;
    add(
      "PRIORITY_NEVER_CONFIRMED",
      prioritySet
        ? `The RFC was submitted at ${minute(prioritySet.ms)}${initial ? ` with an initial ${releasePriorityLabels[initial]} priority` : ""}, but nobody confirmed the priority in Evaluate & Plan.`
        : "No RFC was submitted, so the priority was neither set nor confirmed.",
      prioritySet ? prioritySet.ms : null,
    );
  }
  if (lastConfirmed && confirmedPriority && releasePriorityRank[confirmedPriority] > releasePriorityRank[expected]) {
    add(
      "PRIORITY_BELOW_SCENARIO",
      `The priority was confirmed as ${releasePriorityLabels[confirmedPriority]} at ${minute(lastConfirmed.ms)}; this scenario calls for ${releasePriorityLabels[expected]}, with its shorter time frame.`,
      lastConfirmed.ms,
    );
  }

  // Testing.
  const deployment = firstEvent(events, (e) => isCaseAction(e, "startDeployment"));
  const acceptedBy = (ms: number) => events.some((e) => e.ms <= ms && e.event.type === "REDUCED_TESTING_ACCEPTED");
  const testNames = new Map<string, string>();
  for (const e of events) {
    const p = payloadOf(e.event, "TEST_RECORDED");
    if (p?.testId) testNames.set(p.testId, p.name ?? p.testId);
  }
  const skipped = new Map<string, number>();
  if (deployment && !acceptedBy(deployment.ms)) {
    for (const [id, r] of latestTestResults(events, deployment.ms))
      if (r.result !== "PASSED") skipped.set(id, Math.min(skipped.get(id) ?? deployment.ms, deployment.ms));
  }
  for (const e of events) {
    const p = payloadOf(e.event, "TEST_RECORDED");
    if (p?.testId && p.result === "SKIPPED" && !acceptedBy(e.ms))
      skipped.set(p.testId, Math.min(skipped.get(p.testId) ?? e.ms, e.ms));
  }
  if (skipped.size > 0) {
    const names = [...skipped.keys()].map((id) => testNames.get(id) ?? id);
    add(
      "TESTS_SKIPPED_WITHOUT_ACCEPTANCE",
      `${names.length === 1 ? "A test was" : `${names.length} tests were`} skipped or not passed (${names.join(", ")}) without the ERT lead accepting reduced testing first.`,
      Math.min(...skipped.values()),
    );
  }

  // Emergency checklist and the slow-link box.
  const checklist = firstEvent(events, (e) => e.type === "CHECKLIST_APPLIED");
  if (emergency && deployment && (!checklist || checklist.ms > deployment.ms)) {
    add(
      "CHECKLIST_NOT_APPLIED",
      checklist
        ? `The deployment started at ${minute(deployment.ms)}, before the emergency checklist was applied at ${minute(checklist.ms)}.`
        : `The deployment started at ${minute(deployment.ms)} and the emergency checklist was never applied.`,
      deployment.ms,
    );
  }
  if (emergency) {
    const slowLink = slowLinkProblems(events, input.advertisements ?? []);
    if (slowLink.reasons.length > 0) {
      add(
        "SLOW_LINK_BOX_LEFT_CHECKED",
        `"${advertisementDialogLabels.notMandatoryOverSlowLinks}" stayed checked on an emergency advertisement: ${slowLink.reasons.join("; ")}. Clients on slow links are not forced to install.`,
        slowLink.at,
      );
    }
  }

  // Halts.
  for (const e of events) {
    const p = payloadOf(e.event, "HALTED");
    if (!p || p.automaticRule) continue;
    const reason = (p.reason ?? "").trim();
    if (reason.length < MIN_REASON || PLACEHOLDER_REASONS.has(reason.toLowerCase())) {
      add(
        "HALT_WITHOUT_REASON",
        `The deployment was halted at ${minute(e.ms)} without a usable reason${reason ? ` ("${reason}")` : ""}; the review cannot tell why.`,
        e.ms,
      );
    }
  }

  if (ended) {
    // Tests left open by the reduced path must still be run (domain.md §3.2).
    for (const e of events) {
      const p = payloadOf(e.event, "REDUCED_TESTING_ACCEPTED");
      if (!p) continue;
      const done = new Set<string>();
      for (const later of events) {
        const t = payloadOf(later.event, "TEST_RECORDED");
        if (later.ms >= e.ms && t?.testId && (t.result === "PASSED" || t.result === "FAILED")) done.add(t.testId);
      }
      const open = (p.openTestIds ?? []).filter((id) => !done.has(id));
      if (open.length > 0) {
        add(
          "REDUCED_TESTS_NEVER_COMPLETED",
          `Reduced testing was accepted at ${minute(e.ms)}, but ${open.length === 1 ? "the test kept open was" : `${open.length} tests kept open were`} never completed: ${open.map((id) => testNames.get(id) ?? id).join(", ")}.`,
          e.ms,
        );
      }
    }
    const restores = (input.oobTasks ?? []).filter((t) => t.kind === "SENDER_RESTORE" && !isOobTaskClosed(t.state));
    if (restores.length > 0) {
      add(
        "SENDERS_NOT_RESTORED",
        `${restores.length === 1 ? "A sender address relaxed for the emergency was" : `${restores.length} sender addresses relaxed for the emergency were`} not restored when the drill ended: ${restores.map((t) => t.targetRef?.label ?? t.targetRef?.id ?? "?").join(", ")}.`,
        null,
      );
    }
  }

  const order = (d: DrillDeviation) => (d.at === null ? Number.POSITIVE_INFINITY : toEpochMs(d.at));
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => order(a.d) - order(b.d) || a.i - b.i)
    .map((x) => x.d);
}

/** Latest recorded result of each test at `atMs`. */
export function latestTestResults(
  events: readonly TimedEvent[],
  atMs: number,
): Map<string, { result: string; scope: string | undefined; ms: number }> {
  const out = new Map<string, { result: string; scope: string | undefined; ms: number }>();
  for (const e of events) {
    if (e.ms > atMs) break;
    const p = payloadOf(e.event, "TEST_RECORDED");
    if (p?.testId && p.result) out.set(p.testId, { result: p.result, scope: p.scope, ms: e.ms });
  }
  return out;
}

function slowLinkProblems(
  events: readonly TimedEvent[],
  advertisements: readonly (AdvertisementFlagFields & { advertisementId: string })[],
): { reasons: string[]; at: number | null } {
  const reasons: string[] = [];
  let at: number | null = null;
  const declined = lastEvent(
    events,
    (e) =>
      payloadOf(e, "CHECKLIST_ITEM_DECLINED")?.key === "MANDATORY_ON_SLOW_LINKS" ||
      (payloadOf(e, "CHECKLIST_APPLIED")?.declined ?? []).some((d) => d.key === "MANDATORY_ON_SLOW_LINKS"),
  );
  if (declined) {
    const p = payloadOf(declined.event, "CHECKLIST_ITEM_DECLINED");
    const reason =
      p?.reason ??
      payloadOf(declined.event, "CHECKLIST_APPLIED")?.declined?.find((d) => d.key === "MANDATORY_ON_SLOW_LINKS")
        ?.reason;
    reasons.push(
      `the checklist item "${checklistItemTitles.MANDATORY_ON_SLOW_LINKS}" was declined${reason ? ` ("${reason}")` : ""}`,
    );
    at = declined.ms;
  }
  // Final flags per advertisement: the caller's snapshot wins over the last recorded change.
  const flags = new Map<string, { advertFlags: number; ms: number | null }>();
  for (const e of events) {
    const p = payloadOf(e.event, "ADVERTISEMENT_CHANGED");
    const after = p?.after as { advertFlags?: unknown } | undefined;
    if (p?.advertisementId && typeof after?.advertFlags === "number")
      flags.set(p.advertisementId, { advertFlags: after.advertFlags, ms: e.ms });
  }
  for (const a of advertisements) flags.set(a.advertisementId, { advertFlags: a.advertFlags, ms: null });
  for (const [id, f] of flags) {
    if (!AdvertFlags.has(f.advertFlags, "ONSLOWNET")) {
      reasons.push(`advertisement ${id} is not mandatory over slow links`);
      if (at === null && f.ms !== null) at = f.ms;
    }
  }
  return { reasons, at };
}
