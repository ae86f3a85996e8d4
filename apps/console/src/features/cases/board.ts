import { phaseLabels, releasePriorityRank, type CaseSummary, type Phase } from "@firebreak/domain";
import { liveSlaClock, slaUrgency } from "../process/sla-view";

/** Board columns in process order; Assess (closed cases) comes last. */
export const BOARD_PHASES: readonly Phase[] = ["IDENTIFY", "EVALUATE_PLAN", "DEPLOY", "ASSESS"];

export const columnTitles: Record<Phase, string> = {
  IDENTIFY: phaseLabels.IDENTIFY,
  EVALUATE_PLAN: phaseLabels.EVALUATE_PLAN,
  DEPLOY: phaseLabels.DEPLOY,
  ASSESS: `${phaseLabels.ASSESS} (closed)`,
};

export const columnDescriptions: Record<Phase, string> = {
  IDENTIFY: "New alerts: is it relevant, is the source genuine, RFC with an initial priority.",
  EVALUATE_PLAN: "Priority confirmed by a person, release planned, built and acceptance tested.",
  DEPLOY: "Released to production, watched, halted or rolled back if needed, reviewed.",
  ASSESS: "Closed cases; their lessons go back into Assess.",
};

export interface BoardColumn {
  phase: Phase;
  title: string;
  cases: CaseSummary[];
}

/**
 * Most urgent first: a breached or missed SLA, then at risk, then by priority and time left;
 * cases without a clock yet (new alerts) after those with one, newest alert first.
 */
export function compareCases(a: CaseSummary, b: CaseSummary, now: number): number {
  const clockA = a.sla ? liveSlaClock(a.sla, now) : null;
  const clockB = b.sla ? liveSlaClock(b.sla, now) : null;
  const urgency = (c: typeof clockA) => (c ? (c.state === "ON_TRACK" ? 3 : slaUrgency[c.state]) : 3.5);
  const rank = (c: CaseSummary) => (c.priority ? releasePriorityRank[c.priority] : 9);
  return (
    urgency(clockA) - urgency(clockB) ||
    rank(a) - rank(b) ||
    (clockA?.msToTarget ?? Number.POSITIVE_INFINITY) - (clockB?.msToTarget ?? Number.POSITIVE_INFINITY) ||
    Date.parse(b.openedAt) - Date.parse(a.openedAt)
  );
}

/** Cases grouped into the phase columns, each sorted by urgency. */
export function groupCasesByPhase(
  cases: readonly CaseSummary[],
  now: number,
  phases: readonly Phase[] = BOARD_PHASES,
): BoardColumn[] {
  return phases.map((phase) => ({
    phase,
    title: columnTitles[phase],
    cases: cases.filter((c) => c.phase === phase).sort((a, b) => compareCases(a, b, now)),
  }));
}
