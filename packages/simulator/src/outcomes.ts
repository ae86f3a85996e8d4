import { EXIT_CODES, STATUS_MESSAGE_IDS, type ClientType, type ProgramKind } from "@firebreak/domain";
import { hashFloat } from "./prng.js";

/**
 * What happens when a program runs. Pluggable so a "bad update" mode (installs fail, machines
 * degrade) or a rollback program can bring its own model later.
 */

export interface OutcomeContext {
  resourceId: number;
  machineName: string;
  siteCode: string;
  os: string;
  clientType: ClientType;
  advertisementId: string;
  packageId: string;
  programName: string;
  programKind: ProgramKind;
  /** Event time of the program start, epoch ms. */
  startedAt: number;
  /** Uniform [0, 1) draws private to this (seed, advertisement, machine); deterministic. */
  random(salt: number): number;
}

export interface ProgramOutcome {
  exitCode: number;
  /** How long the program runs, ms. */
  runMs: number;
  /** Succeeded but needs a restart to finish (exit 3010). */
  rebootRequired: boolean;
  /** The status message the client sends when the program ends. */
  messageId: number;
}

export interface OutcomeModel {
  readonly name: string;
  decide(ctx: OutcomeContext): ProgramOutcome;
}

export interface StandardOutcomeOptions {
  /** Share of runs that succeed. Default 0.95. */
  successRate?: number;
  /** Share of successful runs that exit 3010 (restart required). Default 0.6. */
  rebootRate?: number;
  /** Failure exit codes with weights. Default 1603 (fatal error) 70 %, 1618 (another install running) 20 %, 5 (access denied) 10 %. */
  failureExitCodes?: readonly (readonly [exitCode: number, weight: number])[];
  /** Run time, minutes: uniform between min and max. Default 1..6. */
  runMinutes?: { min: number; max: number };
  /** Extra failure share for Legacy Clients (older OS, no BITS). Default 0.02. */
  legacyExtraFailureRate?: number;
}

function pickWeighted(items: readonly (readonly [number, number])[], x: number): number {
  let total = 0;
  for (const [, w] of items) total += w;
  let r = x * total;
  for (const [v, w] of items) {
    r -= w;
    if (r < 0) return v;
  }
  return items[items.length - 1]?.[0] ?? EXIT_CODES.FATAL_ERROR;
}

/** Success, success-with-restart and failures at configurable rates (exit codes 0, 3010, 1603…). */
export function standardOutcomeModel(options: StandardOutcomeOptions = {}): OutcomeModel {
  const successRate = options.successRate ?? 0.95;
  const rebootRate = options.rebootRate ?? 0.6;
  const failures = options.failureExitCodes ?? [
    [EXIT_CODES.FATAL_ERROR, 70],
    [EXIT_CODES.ANOTHER_INSTALL_IN_PROGRESS, 20],
    [EXIT_CODES.ACCESS_DENIED, 10],
  ];
  const runMin = options.runMinutes?.min ?? 1;
  const runMax = options.runMinutes?.max ?? 6;
  const legacyExtra = options.legacyExtraFailureRate ?? 0.02;
  return {
    name: "standard",
    decide(ctx) {
      const runMs = Math.round((runMin + (runMax - runMin) * ctx.random(1)) * 60_000);
      const p = successRate - (ctx.clientType === "LEGACY" ? legacyExtra : 0);
      if (ctx.random(2) < p) {
        const reboot = ctx.random(3) < rebootRate;
        return {
          exitCode: reboot ? EXIT_CODES.SUCCESS_REBOOT_REQUIRED : EXIT_CODES.SUCCESS,
          runMs,
          rebootRequired: reboot,
          messageId: STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED,
        };
      }
      return {
        exitCode: pickWeighted(failures, ctx.random(4)),
        runMs,
        rebootRequired: false,
        messageId: STATUS_MESSAGE_IDS.PROGRAM_FAILED,
      };
    },
  };
}

/** Helper for custom models: a deterministic random source keyed by the given numbers. */
export const keyedRandom =
  (...key: [number, number, number]) =>
  (salt: number): number =>
    hashFloat(key[0], key[1], key[2], salt);
