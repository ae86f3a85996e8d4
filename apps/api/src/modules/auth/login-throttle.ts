/** Failed-login limits. Pure: the service loads and stores the counters. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const THROTTLE_LOCK_MS = 15 * 60_000;
export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 20;

export interface ThrottleRow {
  key: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export const accountKey = (username: string) => `account:${username}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const limitFor = (key: string) => (key.startsWith("ip:") ? IP_FAILURE_LIMIT : ACCOUNT_FAILURE_LIMIT);

/** Seconds until the longest active lock ends, or 0 when nothing is locked. */
export function lockedForSeconds(rows: ThrottleRow[], now: Date): number {
  let max = 0;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil > now)
      max = Math.max(max, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  return max;
}

/** The counter after one more failure; locks when the limit is reached within the window. */
export function afterFailure(existing: ThrottleRow | undefined, key: string, now: Date): ThrottleRow {
  const fresh = !existing || now.getTime() - existing.windowStart.getTime() > THROTTLE_WINDOW_MS;
  const failures = fresh ? 1 : existing.failures + 1;
  const windowStart = fresh ? now : existing.windowStart;
  const lockedUntil = failures >= limitFor(key) ? new Date(now.getTime() + THROTTLE_LOCK_MS) : null;
  return { key, failures, windowStart, lockedUntil };
}
