import { z } from "zod";
import { TimestampSchema } from "../common/http.js";

/**
 * Halt verification (product.md C8 "the console verifies that no new starts arrive"; domain.md
 * §8.3 W9). After the program is disabled, a client that still starts it (status message 10005,
 * "program started") has not received the change yet, or the halt did not take: the console names
 * those machines.
 *
 * What counts is when a start *arrived* (`receivedAt`, the server's clock): a start received after
 * the halt is flagged even when the client's own clock puts it earlier — it may have started before
 * the halt and been reported late, or the client clock is slow, so it is labelled "possibly started
 * before the halt (client clock)" rather than dropped. A fast client clock cannot make a start
 * received before the halt look like one after it.
 */

/** How many machines that started after the halt are listed (the count covers all of them). */
export const HALT_VERIFICATION_MACHINES = 10;

export const ProgramStartSchema = z.object({
  resourceId: z.number().int(),
  machineName: z.string(),
  siteCode: z.string(),
  time: TimestampSchema.describe("the client's own time of the start"),
  receivedAt: TimestampSchema.describe("when the message arrived at Firebreak"),
});
export type ProgramStart = z.infer<typeof ProgramStartSchema>;

export const StartAfterHaltSchema = ProgramStartSchema.extend({
  clientTimeBeforeHalt: z
    .boolean()
    .describe("received after the halt, but the client's clock says it started before: possibly before the halt"),
});
export type StartAfterHalt = z.infer<typeof StartAfterHaltSchema>;

export const HaltVerificationStateSchema = z.enum(["NOT_HALTED", "NO_STARTS_AFTER_HALT", "STARTS_AFTER_HALT"]);
export type HaltVerificationState = z.infer<typeof HaltVerificationStateSchema>;

const count = z.number().int().min(0);

export const HaltVerificationResultSchema = z.object({
  state: HaltVerificationStateSchema,
  haltedAt: TimestampSchema.nullable(),
  lastStart: ProgramStartSchema.nullable().describe("the 'program started' (10005) message that arrived last"),
  startsAfterHalt: count.describe("10005 messages received after the halt"),
  machinesAfterHalt: count.describe("distinct machines among them"),
  possiblyBeforeHalt: count.describe("of those, starts whose client time is not after the halt"),
  firstStartsAfterHalt: z
    .array(StartAfterHaltSchema)
    .max(HALT_VERIFICATION_MACHINES)
    .describe("the first machines whose start arrived after the halt, in arrival order, one row per machine"),
  summary: z.string(),
});
export type HaltVerificationResult = z.infer<typeof HaltVerificationResultSchema>;

export interface HaltVerificationInput {
  /** When the program was disabled (null: the release is not halted). */
  haltedAt: string | Date | null;
  /**
   * Program-started messages: at least the one that arrived last and those received after the
   * halt (the caller may cap the latter and pass the full counts below).
   */
  starts: readonly ProgramStart[];
  /** The number of starts received after the halt when `starts` holds only the first ones. */
  startsAfterHaltTotal?: number;
  /** Distinct machines behind `startsAfterHaltTotal`, when the caller counted them. */
  machinesAfterHaltTotal?: number;
  /** Starts received after the halt whose client time is not after it, when the caller counted them. */
  possiblyBeforeHaltTotal?: number;
}

const iso = (t: string | Date) => new Date(t).toISOString();
/** "2026-11-20 09:00:05 UTC": unambiguous in a sentence the audit log or a screen reader reads. */
const utc = (t: string) => `${iso(t).slice(0, 19).replace("T", " ")} UTC`;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const byArrival = (a: ProgramStart, b: ProgramStart) =>
  Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || Date.parse(a.time) - Date.parse(b.time);
const normal = (s: ProgramStart): ProgramStart => ({ ...s, time: iso(s.time), receivedAt: iso(s.receivedAt) });

/** When the program was disabled, the last start to arrive, and the starts received after the halt (pure). */
export function haltVerification(input: HaltVerificationInput): HaltVerificationResult {
  const sorted = [...input.starts].sort(byArrival);
  const lastRow = sorted.at(-1);
  const lastStart = lastRow ? normal(lastRow) : null;
  const lastWords = lastStart
    ? `last program start received ${utc(lastStart.receivedAt)} (client time ${utc(lastStart.time)})`
    : "no program start reported";
  if (input.haltedAt === null) {
    return {
      state: "NOT_HALTED",
      haltedAt: null,
      lastStart,
      startsAfterHalt: 0,
      machinesAfterHalt: 0,
      possiblyBeforeHalt: 0,
      firstStartsAfterHalt: [],
      summary: `The program is not disabled; ${lastWords}.`,
    };
  }
  const haltedAt = iso(input.haltedAt);
  const haltMs = Date.parse(haltedAt);
  const after = sorted.filter((s) => Date.parse(s.receivedAt) > haltMs);
  const firstPerMachine = new Map<number, ProgramStart>();
  for (const s of after) if (!firstPerMachine.has(s.resourceId)) firstPerMachine.set(s.resourceId, s);
  const startsAfterHalt = Math.max(after.length, input.startsAfterHaltTotal ?? 0);
  const machinesAfterHalt = Math.max(firstPerMachine.size, input.machinesAfterHaltTotal ?? 0);
  const possiblyBeforeHalt = Math.max(
    after.filter((s) => Date.parse(s.time) <= haltMs).length,
    input.possiblyBeforeHaltTotal ?? 0,
  );
  const first: StartAfterHalt[] = [...firstPerMachine.values()].slice(0, HALT_VERIFICATION_MACHINES).map((s) => ({
    ...normal(s),
    clientTimeBeforeHalt: Date.parse(s.time) <= haltMs,
  }));
  const head = `Program disabled at ${utc(haltedAt)}; ${lastWords}`;
  if (startsAfterHalt === 0) {
    return {
      state: "NO_STARTS_AFTER_HALT",
      haltedAt,
      lastStart,
      startsAfterHalt: 0,
      machinesAfterHalt: 0,
      possiblyBeforeHalt: 0,
      firstStartsAfterHalt: [],
      summary: `${head}; no start received after the halt.`,
    };
  }
  const firstOne = first[0];
  const possibly =
    possiblyBeforeHalt > 0
      ? `, ${possiblyBeforeHalt === startsAfterHalt ? (startsAfterHalt === 1 ? "it" : "all") : possiblyBeforeHalt} possibly started before the halt (client clock)`
      : "";
  return {
    state: "STARTS_AFTER_HALT",
    haltedAt,
    lastStart,
    startsAfterHalt,
    machinesAfterHalt,
    possiblyBeforeHalt,
    firstStartsAfterHalt: first,
    summary:
      `${head}; ${plural(startsAfterHalt, "start")} received after the halt on ${plural(machinesAfterHalt, "machine")}` +
      possibly +
      (firstOne ? ` (first: ${firstOne.machineName}, received ${utc(firstOne.receivedAt)}).` : "."),
  };
}
