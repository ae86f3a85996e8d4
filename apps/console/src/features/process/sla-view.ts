import { formatDuration as formatSpan, slaStateLabels, type SlaClockView, type SlaState } from "@firebreak/domain";

/**
 * The API's SLA clock moved on to `now`, so a countdown stays right between refreshes. A stopped
 * clock (the case reached Deployed or closed) is returned as it is: its state is final.
 */
export function liveSlaClock(clock: SlaClockView, now: number): SlaClockView {
  if (clock.closed) return clock;
  const targetMs = Date.parse(clock.targetAt);
  const maxMs = Date.parse(clock.maxAt);
  const atRiskMs = Date.parse(clock.atRiskAt);
  let state: SlaState;
  if (now > maxMs) state = "BREACHED";
  else if (now > targetMs) state = "TARGET_MISSED";
  else if (now > atRiskMs) state = "AT_RISK";
  else state = "ON_TRACK";
  return { ...clock, msToTarget: targetMs - now, msToMax: maxMs - now, state };
}

export interface SlaWords {
  /** "At risk", "Breached"… */
  state: string;
  /** "3 h 20 min left to target", "target missed 2 d ago", "met with 5 h to spare". */
  target: string;
  /** "13 d 21 h left to the maximum", "maximum passed 1 d ago". */
  max: string;
}

/** The clock in words: the state is always said, never shown by colour alone. */
export function slaWords(clock: SlaClockView): SlaWords {
  const state = slaStateLabels[clock.state];
  if (clock.closed) {
    const target =
      clock.msToTarget >= 0
        ? `met with ${formatSpan(clock.msToTarget)} to spare`
        : `finished ${formatSpan(clock.msToTarget)} after the target`;
    const max =
      clock.msToMax >= 0
        ? `${formatSpan(clock.msToMax)} inside the maximum`
        : `${formatSpan(clock.msToMax)} past the maximum`;
    return { state, target, max };
  }
  const target =
    clock.msToTarget >= 0
      ? `${formatSpan(clock.msToTarget)} left to target`
      : `target missed ${formatSpan(clock.msToTarget)} ago`;
  const max =
    clock.msToMax >= 0
      ? `${formatSpan(clock.msToMax)} left to the maximum`
      : `maximum passed ${formatSpan(clock.msToMax)} ago`;
  return { state, target, max };
}

/** Most urgent first, for sorting cards: breached, missed, at risk, on track, then stopped clocks. */
export const slaUrgency: Record<SlaState, number> = {
  BREACHED: 0,
  TARGET_MISSED: 1,
  AT_RISK: 2,
  ON_TRACK: 3,
  MET_LATE: 4,
  MET: 5,
};
