import { HOURS_PER_DAY, RateLimitSchema, type RateLimit, type RateMode } from "@firebreak/domain";
import { formatHour } from "./hour-usage";

/** What the Rate Limits tab edits: every mode's inputs are kept while switching modes. */
export interface RateLimitDraft {
  mode: RateMode;
  blockSizeKB: number | "";
  delaySeconds: number | "";
  hourlyLimitPct: (number | "")[];
}

/** Pulse-mode and hourly defaults when an address had another mode; SMS proposed similar values [U]. */
const DEFAULT_BLOCK_KB = 3;
const DEFAULT_DELAY_S = 5;

export function draftFromRateLimit(rateLimit: RateLimit): RateLimitDraft {
  return {
    mode: rateLimit.mode,
    blockSizeKB: rateLimit.mode === "PULSE" ? rateLimit.blockSizeKB : DEFAULT_BLOCK_KB,
    delaySeconds: rateLimit.mode === "PULSE" ? rateLimit.delaySeconds : DEFAULT_DELAY_S,
    hourlyLimitPct:
      rateLimit.mode === "HOURLY_LIMIT"
        ? [...rateLimit.hourlyLimitPct]
        : Array.from({ length: HOURS_PER_DAY }, () => 100),
  };
}

/** The value the API takes for the chosen mode (the other modes' inputs are dropped). */
export function rateLimitInput(draft: RateLimitDraft): unknown {
  const num = (v: number | "") => (v === "" ? undefined : v);
  switch (draft.mode) {
    case "UNLIMITED":
      return { mode: "UNLIMITED" };
    case "PULSE":
      return { mode: "PULSE", blockSizeKB: num(draft.blockSizeKB), delaySeconds: num(draft.delaySeconds) };
    case "HOURLY_LIMIT":
      return { mode: "HOURLY_LIMIT", hourlyLimitPct: draft.hourlyLimitPct.map(num) };
  }
}

export type RateLimitErrors = Record<string, string>;

/**
 * Validates with the domain's RateLimitSchema; empty inputs get a message that names the field.
 * Error keys: `blockSizeKB`, `delaySeconds`, `hourlyLimitPct.<hour>`.
 */
export function validateRateLimit(
  draft: RateLimitDraft,
): { value: RateLimit; errors: null } | { value: null; errors: RateLimitErrors } {
  const errors: RateLimitErrors = {};
  if (draft.mode === "PULSE") {
    if (draft.blockSizeKB === "") errors.blockSizeKB = "Enter the size of a data block in KB";
    if (draft.delaySeconds === "") errors.delaySeconds = "Enter the delay between data blocks in seconds";
  }
  if (draft.mode === "HOURLY_LIMIT") {
    draft.hourlyLimitPct.forEach((v, hour) => {
      if (v === "") errors[`hourlyLimitPct.${hour}`] = `Enter a limit for ${formatHour(hour)}`;
    });
  }
  const result = RateLimitSchema.safeParse(rateLimitInput(draft));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.map(String).join(".") || "mode";
      if (!(key in errors)) errors[key] = issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !result.success) return { value: null, errors };
  return { value: result.data, errors: null };
}

export const sameRateLimit = (a: RateLimit, b: RateLimit): boolean => JSON.stringify(a) === JSON.stringify(b);
