import { EXIT_CODES, STATUS_MESSAGE_IDS, type ClientType, type ProgramKind } from "@firebreak/domain";
import { hashFloat } from "./prng.js";

/**
 * What happens when a program runs. Pluggable: the standard model gives ordinary success and
 * failure rates; `badUpdateOutcomeModel` wraps another model for a release that goes wrong.
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
  /** The updates the program's package carries (what it installs or removes). */
  updateIds: readonly string[];
  /**
   * Is one of `updateIds` on the machine as the program starts? A ROLLBACK run reaches the model
   * only when it is: the engine answers the other case itself (see UPDATE_NOT_INSTALLED_EXIT_CODE).
   */
  updatePresent: boolean;
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
  /**
   * A bad update: the run succeeds and reports so, then the machine stops working (a blue-screen
   * loop) this long after the run ends — after a 3010, at the restart instead, unless a rollback
   * removed the update by then — and never reports again.
   */
  degradeAfterMs?: number;
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

/**
 * Exit code of a rollback program WITHOUT the presence check on a machine that lacks the update:
 * the uninstaller finds nothing to remove. 1605 is Windows Installer's ERROR_UNKNOWN_PRODUCT
 * ("This action is only valid for products that are currently installed"); our sources do not
 * give spuninst.exe's own code for this case [U].
 */
export const UPDATE_NOT_INSTALLED_EXIT_CODE = 1605;

export interface BadUpdateOutcomeOptions {
  /**
   * The bad release: INSTALL programs of these packages, run by these advertisements, or whose
   * package carries these updates (any match). At least one list must name something.
   */
  packageIds?: readonly string[];
  advertisementIds?: readonly string[];
  updateIds?: readonly string[];
  /** Decides every other run, and the bad installs that neither fail nor degrade. Default `standardOutcomeModel()`. */
  base?: OutcomeModel;
  /**
   * Share of bad installs that fail, by site code, on top of the base model's own failures (pass
   * `standardOutcomeModel({ successRate: 1 })` as `base` for exact rates).
   */
  failureRateBySite?: Readonly<Record<string, number>>;
  /** For sites not in `failureRateBySite`. Default 0.2. */
  defaultFailureRate?: number;
  /** Exit codes of those failures, with weights. Default 1603 (fatal error) 90 %, 1618 (another install running) 10 %. */
  failureExitCodes?: readonly (readonly [exitCode: number, weight: number])[];
  /** Share of successful bad installs after which the machine degrades, by site code. */
  degradeRateBySite?: Readonly<Record<string, number>>;
  /** For sites not in `degradeRateBySite`. Default 0. */
  defaultDegradeRate?: number;
  /** From the end of a successful exit-0 install to the crash, minutes. Default 5..60. A 3010 install crashes at its restart. */
  degradeAfterMinutes?: { min: number; max: number };
  /**
   * Share of rollbacks (update present) that fail. Applies to ROLLBACK runs removing one of
   * `updateIds`, or to every ROLLBACK run when `updateIds` is not given. Default: `base` decides.
   */
  rollbackFailureRate?: number;
  /** Default 1603 70 %, 3 (path not found: the $NtUninstallKB…$ folder was cleaned up, domain.md §6.1) 20 %, 5 (access denied) 10 %. */
  rollbackFailureExitCodes?: readonly (readonly [exitCode: number, weight: number])[];
}

// Salts of the bad-update draws, apart from the standard model's 1..4 (both see the same ctx.random).
const SALT_FAIL = 0x42550001;
const SALT_FAIL_CODE = 0x42550002;
const SALT_DEGRADE = 0x42550003;
const SALT_DEGRADE_AFTER = 0x42550004;
const SALT_ROLLBACK_FAIL = 0x42550005;
const SALT_ROLLBACK_CODE = 0x42550006;

const checkRate = (what: string, x: number | undefined): void => {
  if (x !== undefined && !(x >= 0 && x <= 1)) throw new RangeError(`${what} must be between 0 and 1 (got ${x})`);
};

/**
 * "Bad update" mode: wraps another model and, for the INSTALL runs of the chosen release, makes a
 * per-site share fail (1603…) and a per-site share of the successes degrade the machine (it
 * reports success, then goes off-line for the rest of the simulation). Optionally makes rollbacks
 * of the update fail at a given rate. Every draw comes from `ctx.random`, so it stays seeded.
 */
export function badUpdateOutcomeModel(options: BadUpdateOutcomeOptions): OutcomeModel {
  const packages = new Set(options.packageIds ?? []);
  const adverts = new Set(options.advertisementIds ?? []);
  const updates = new Set(options.updateIds ?? []);
  if (packages.size + adverts.size + updates.size === 0)
    throw new RangeError("badUpdateOutcomeModel needs packageIds, advertisementIds or updateIds");
  const base = options.base ?? standardOutcomeModel();
  const failBySite = options.failureRateBySite ?? {};
  const failDefault = options.defaultFailureRate ?? 0.2;
  const degradeBySite = options.degradeRateBySite ?? {};
  const degradeDefault = options.defaultDegradeRate ?? 0;
  checkRate("defaultFailureRate", failDefault);
  checkRate("defaultDegradeRate", degradeDefault);
  checkRate("rollbackFailureRate", options.rollbackFailureRate);
  for (const [site, r] of Object.entries(failBySite)) checkRate(`failureRateBySite.${site}`, r);
  for (const [site, r] of Object.entries(degradeBySite)) checkRate(`degradeRateBySite.${site}`, r);
  const failCodes = options.failureExitCodes ?? [
    [EXIT_CODES.FATAL_ERROR, 90],
    [EXIT_CODES.ANOTHER_INSTALL_IN_PROGRESS, 10],
  ];
  const rollbackCodes = options.rollbackFailureExitCodes ?? [
    [EXIT_CODES.FATAL_ERROR, 70],
    [3, 20],
    [EXIT_CODES.ACCESS_DENIED, 10],
  ];
  const degradeMin = options.degradeAfterMinutes?.min ?? 5;
  const degradeMax = options.degradeAfterMinutes?.max ?? 60;
  const carriesBadUpdate = (ctx: OutcomeContext) => ctx.updateIds.some((u) => updates.has(u));
  const failed = (r: ProgramOutcome, exitCode: number): ProgramOutcome => ({
    exitCode,
    runMs: r.runMs,
    rebootRequired: false,
    messageId: STATUS_MESSAGE_IDS.PROGRAM_FAILED,
  });
  return {
    name: `bad-update(${base.name})`,
    decide(ctx) {
      const r = base.decide(ctx);
      if (ctx.programKind === "ROLLBACK") {
        const rate = options.rollbackFailureRate;
        if (rate === undefined || (updates.size > 0 && !carriesBadUpdate(ctx))) return r;
        return ctx.random(SALT_ROLLBACK_FAIL) < rate
          ? failed(r, pickWeighted(rollbackCodes, ctx.random(SALT_ROLLBACK_CODE)))
          : r;
      }
      const bad = packages.has(ctx.packageId) || adverts.has(ctx.advertisementId) || carriesBadUpdate(ctx);
      if (!bad) return r;
      if (ctx.random(SALT_FAIL) < (failBySite[ctx.siteCode] ?? failDefault))
        return failed(r, pickWeighted(failCodes, ctx.random(SALT_FAIL_CODE)));
      if (
        r.messageId !== STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED &&
        r.messageId !== STATUS_MESSAGE_IDS.PROGRAM_SUCCEEDED_MIF
      )
        return r;
      if (ctx.random(SALT_DEGRADE) >= (degradeBySite[ctx.siteCode] ?? degradeDefault)) return r;
      const minutes = degradeMin + (degradeMax - degradeMin) * ctx.random(SALT_DEGRADE_AFTER);
      return { ...r, degradeAfterMs: Math.round(minutes * 60_000) };
    },
  };
}

/** Helper for custom models: a deterministic random source keyed by the given numbers. */
export const keyedRandom =
  (...key: [number, number, number]) =>
  (salt: number): number =>
    hashFloat(key[0], key[1], key[2], salt);
