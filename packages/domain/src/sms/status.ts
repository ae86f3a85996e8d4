import { z } from "zod";

/**
 * Client advertisement status (domain.md §5.11): status message IDs, the 15 client states
 * (ConfigMgr `MessageState`), and `nextClientState`, the order-independent fold ingest uses.
 */

/** Client states, named after ConfigMgr `MessageState` [F*:S18]; the number is the SMS value. */
export const CLIENT_STATES = [
  "ACCEPTED_NO_FURTHER_STATUS",
  "NO_STATUS",
  "ACCEPTED",
  "REJECTED",
  "EXPIRED",
  "WILL_NOT_RERUN",
  "DOWNLOAD_IN_PROGRESS",
  "DOWNLOAD_COMPLETE",
  "CANCELED",
  "WAITING",
  "RUNNING",
  "RETRYING",
  "FAILED",
  "REBOOT_PENDING",
  "SUCCEEDED",
] as const;
export const ClientStateSchema = z.enum(CLIENT_STATES);
export type ClientState = z.infer<typeof ClientStateSchema>;

export const messageStateValue: Record<ClientState, number> = {
  ACCEPTED_NO_FURTHER_STATUS: -1,
  NO_STATUS: 0,
  ACCEPTED: 1,
  REJECTED: 2,
  EXPIRED: 3,
  WILL_NOT_RERUN: 4,
  DOWNLOAD_IN_PROGRESS: 5,
  DOWNLOAD_COMPLETE: 6,
  CANCELED: 7,
  WAITING: 8,
  RUNNING: 9,
  RETRYING: 10,
  FAILED: 11,
  REBOOT_PENDING: 12,
  SUCCEEDED: 13,
};

export const clientStateLabels: Record<ClientState, string> = {
  ACCEPTED_NO_FURTHER_STATUS: "Accepted - no further status",
  NO_STATUS: "No status",
  ACCEPTED: "Accepted",
  REJECTED: "Rejected",
  EXPIRED: "Expired",
  WILL_NOT_RERUN: "Will not rerun",
  DOWNLOAD_IN_PROGRESS: "Download in progress",
  DOWNLOAD_COMPLETE: "Download complete",
  CANCELED: "Canceled",
  WAITING: "Waiting",
  RUNNING: "Running",
  RETRYING: "Retrying",
  FAILED: "Failed",
  REBOOT_PENDING: "Reboot pending",
  SUCCEEDED: "Succeeded",
};

/**
 * SMS_ClientAdvertisementStatus keeps two tracks: the last *acceptance* message (received,
 * rejected, expired) and the last *execution* message (started, failed, succeeded…) [F*:S18].
 */
export type StatusTrack = "ACCEPTANCE" | "EXECUTION";

export const trackOfState: Record<ClientState, StatusTrack> = {
  NO_STATUS: "ACCEPTANCE",
  ACCEPTED: "ACCEPTANCE",
  ACCEPTED_NO_FURTHER_STATUS: "ACCEPTANCE",
  REJECTED: "ACCEPTANCE",
  EXPIRED: "ACCEPTANCE",
  WAITING: "EXECUTION",
  DOWNLOAD_IN_PROGRESS: "EXECUTION",
  DOWNLOAD_COMPLETE: "EXECUTION",
  RETRYING: "EXECUTION",
  RUNNING: "EXECUTION",
  CANCELED: "EXECUTION",
  WILL_NOT_RERUN: "EXECUTION",
  REBOOT_PENDING: "EXECUTION",
  FAILED: "EXECUTION",
  SUCCEEDED: "EXECUTION",
};

/**
 * How far along a client is; breaks ties between messages with the same timestamp (status
 * times have one-second resolution, so "started" and "succeeded" often share one).
 */
export const clientStateRank: Record<ClientState, number> = {
  NO_STATUS: 0,
  ACCEPTED: 1,
  ACCEPTED_NO_FURTHER_STATUS: 2,
  REJECTED: 3,
  EXPIRED: 4,
  WAITING: 10,
  DOWNLOAD_IN_PROGRESS: 11,
  DOWNLOAD_COMPLETE: 12,
  RETRYING: 13,
  RUNNING: 14,
  CANCELED: 15,
  WILL_NOT_RERUN: 16,
  REBOOT_PENDING: 17,
  FAILED: 18,
  SUCCEEDED: 19,
};

export interface AdvertStatusMessageInfo {
  messageId: number;
  state: ClientState;
  meaning: string;
  /** `true` only where domain.md §5.11 cites a source for this ID in SMS 2003 ([F] tags). */
  verified: boolean;
  severity: "INFORMATIONAL" | "WARNING" | "ERROR";
}

/**
 * Client advertisement status message IDs. Only 10002, 10008 and 10009 are confirmed by a source
 * (domain.md §5.11, §9); the others are recalled product knowledge and marked `verified: false`.
 */
export const ADVERT_STATUS_MESSAGES: readonly AdvertStatusMessageInfo[] = [
  {
    messageId: 10002,
    state: "ACCEPTED",
    meaning: "Advertisement received; the program is available or scheduled",
    verified: true,
    severity: "INFORMATIONAL",
  }, // [F:S18 KB 277876]
  {
    messageId: 10003,
    state: "EXPIRED",
    meaning: "Advertisement expired; the program can no longer run",
    verified: false,
    severity: "INFORMATIONAL",
  }, // [U] recalled, unverified
  { messageId: 10005, state: "RUNNING", meaning: "Program started", verified: false, severity: "INFORMATIONAL" }, // [U] domain.md §5.11
  {
    messageId: 10006,
    state: "FAILED",
    meaning: "Program failed (non-zero exit code)",
    verified: false,
    severity: "ERROR",
  }, // [U] domain.md §5.11
  {
    messageId: 10007,
    state: "FAILED",
    meaning: "Program failed according to its status MIF",
    verified: false,
    severity: "ERROR",
  }, // [U] domain.md §5.11
  {
    messageId: 10008,
    state: "SUCCEEDED",
    meaning: "Program succeeded (judged from the exit code)",
    verified: true,
    severity: "INFORMATIONAL",
  }, // [F:S18 KB 916797]
  {
    messageId: 10009,
    state: "SUCCEEDED",
    meaning: "Program succeeded (judged from a status MIF)",
    verified: true,
    severity: "INFORMATIONAL",
  }, // [F:S18 KB 916797]
  {
    messageId: 10018,
    state: "REJECTED",
    meaning: "Advertisement rejected (e.g. platform not supported)",
    verified: false,
    severity: "WARNING",
  }, // [U] recalled, unverified
  {
    messageId: 10073,
    state: "WAITING",
    meaning: "Waiting for a maintenance window (ConfigMgr 2007 only)",
    verified: false,
    severity: "INFORMATIONAL",
  }, // [F*:S18] not SMS 2003
  {
    messageId: 65535,
    state: "ACCEPTED_NO_FURTHER_STATUS",
    meaning: "Pseudo-ID: accepted, no further status",
    verified: false,
    severity: "INFORMATIONAL",
  }, // [F*:S18]
];

const MESSAGE_BY_ID = new Map(ADVERT_STATUS_MESSAGES.map((m) => [m.messageId, m]));

export const STATUS_MESSAGE_IDS = {
  RECEIVED: 10002,
  EXPIRED: 10003,
  PROGRAM_STARTED: 10005,
  PROGRAM_FAILED: 10006,
  PROGRAM_FAILED_MIF: 10007,
  PROGRAM_SUCCEEDED: 10008,
  PROGRAM_SUCCEEDED_MIF: 10009,
  REJECTED: 10018,
  WAITING_FOR_SERVICE_WINDOW: 10073,
  ACCEPTED_NO_FURTHER_STATUS: 65535,
} as const;

/** Windows Installer / update.exe exit codes the console names (domain.md §6). */
export const EXIT_CODES = {
  SUCCESS: 0,
  SUCCESS_REBOOT_REQUIRED: 3010,
  FATAL_ERROR: 1603,
  ANOTHER_INSTALL_IN_PROGRESS: 1618,
  ACCESS_DENIED: 5,
} as const;

/** Severity field values of SMS status messages [F*:S18]. */
export const STATUS_SEVERITY_VALUE = { INFORMATIONAL: 0x40000000, WARNING: 0x80000000, ERROR: 0xc0000000 } as const;

export const advertStatusMessageInfo = (messageId: number): AdvertStatusMessageInfo | undefined =>
  MESSAGE_BY_ID.get(messageId);

/** The client state a message moves to, or `undefined` for an ID we do not know. */
export const clientStateOfMessage = (messageId: number): ClientState | undefined => MESSAGE_BY_ID.get(messageId)?.state;

/** Exit code 3010 means "succeeded, restart required" for Windows Installer and update.exe. */
export const isRebootExitCode = (exitCode: number | null | undefined): boolean =>
  exitCode === EXIT_CODES.SUCCESS_REBOOT_REQUIRED;

/** Per client × advertisement, the shape of `ClientAdvertStatus` (domain.md §8.1). */
export interface ClientAdvertState {
  state: ClientState;
  lastStatusMessageId: number | null;
  /** ISO-8601; the event time carried by the message, not when it arrived. */
  lastStatusTime: string | null;
  lastExitCode: number | null;
  /** The newest acceptance-track message (10002 / 10003 / 10018), kept like SMS does. */
  lastAcceptanceMessageId: number | null;
  lastAcceptanceTime: string | null;
}

export const INITIAL_CLIENT_ADVERT_STATE: ClientAdvertState = Object.freeze({
  state: "NO_STATUS",
  lastStatusMessageId: null,
  lastStatusTime: null,
  lastExitCode: null,
  lastAcceptanceMessageId: null,
  lastAcceptanceTime: null,
});

export interface ClientStatusInput {
  messageId: number;
  /** Event time: ISO string, epoch ms or Date. */
  time: string | number | Date;
  exitCode?: number | null;
}

const toMs = (t: string | number | Date): number => {
  const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid status time: ${String(t)}`);
  return ms;
};

type Key = readonly [track: number, time: number, rank: number, messageId: number, exitCode: number];

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function keyOf(state: ClientState, timeMs: number, messageId: number, exitCode: number | null | undefined): Key {
  return [
    trackOfState[state] === "EXECUTION" ? 1 : 0,
    timeMs,
    clientStateRank[state],
    messageId,
    exitCode ?? -Infinity,
  ];
}

function currentKey(s: ClientAdvertState): Key | null {
  if (s.lastStatusMessageId === null || s.lastStatusTime === null) return null;
  return keyOf(s.state, toMs(s.lastStatusTime), s.lastStatusMessageId, s.lastExitCode);
}

/**
 * Applies one status message to a client's state for one advertisement.
 *
 * The result is the maximum, under one total order, of every message applied so far, so any
 * batch order, duplicates and late arrivals give the same final state (commutative, associative,
 * idempotent). The order:
 *
 * 1. execution-track messages (started, failed, succeeded…) outrank acceptance-track ones
 *    (received, rejected, expired): a late or re-sent 10002 never hides a run;
 * 2. then the message's event time: the newest event wins, so a genuine rerun after a failure
 *    does show (`FAILED` at 10:00 → `RUNNING` at 11:00), while a late 10005 cannot undo 10008;
 * 3. equal times: the higher state rank (SUCCEEDED > FAILED > RUNNING…), then message ID, then
 *    exit code, so even exact ties resolve the same way every time.
 *
 * Unknown message IDs leave the state unchanged (same object returned).
 */
export function nextClientState(
  current: ClientAdvertState | null | undefined,
  message: ClientStatusInput,
): ClientAdvertState {
  const cur = current ?? INITIAL_CLIENT_ADVERT_STATE;
  const state = clientStateOfMessage(message.messageId);
  if (state === undefined) return cur;
  const timeMs = toMs(message.time);
  const iso = new Date(timeMs).toISOString();
  const exitCode = message.exitCode ?? null;
  let next = cur;

  if (trackOfState[state] === "ACCEPTANCE") {
    const accCur =
      cur.lastAcceptanceTime === null || cur.lastAcceptanceMessageId === null
        ? null
        : ([toMs(cur.lastAcceptanceTime), cur.lastAcceptanceMessageId] as const);
    if (accCur === null || timeMs > accCur[0] || (timeMs === accCur[0] && message.messageId > accCur[1])) {
      next = { ...next, lastAcceptanceMessageId: message.messageId, lastAcceptanceTime: iso };
    }
  }

  const curKey = currentKey(cur);
  if (curKey === null || compareKeys(keyOf(state, timeMs, message.messageId, exitCode), curKey) > 0) {
    next = { ...next, state, lastStatusMessageId: message.messageId, lastStatusTime: iso, lastExitCode: exitCode };
  }
  return next;
}

/** Folds many messages (any order) into one state. */
export const foldClientState = (
  messages: Iterable<ClientStatusInput>,
  start?: ClientAdvertState | null,
): ClientAdvertState => {
  let s = start ?? INITIAL_CLIENT_ADVERT_STATE;
  for (const m of messages) s = nextClientState(s, m);
  return s;
};

/** States after which a client does nothing more for this advertisement unless it is rerun. */
export const isTerminalClientState = (s: ClientState): boolean =>
  s === "SUCCEEDED" || s === "FAILED" || s === "REJECTED" || s === "EXPIRED";
