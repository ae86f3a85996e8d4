import { AdvertFlags, ProgramFlags, RemoteClientFlags } from "./flags.js";
import type { ClientType } from "./enums.js";

/**
 * Derived views of an advertisement's flag words and the SMS dialog labels (domain.md §3.3, §5.8).
 *
 * The UI shows inverted check boxes: "Assignments are not mandatory over slow links" is CHECKED
 * when ONSLOWNET is CLEAR, "Allow users to run the program independently of assignments" is
 * CHECKED when NO_DISPLAY is CLEAR. A new mandatory assignment therefore shows the slow-link box
 * checked, as SMS did; an emergency release must clear it (i.e. set ONSLOWNET).
 */

export const advertisementDialogLabels = {
  scheduleTab: "Schedule",
  advancedClientTab: "Advanced Client",
  presentTime: "Advertisement start time",
  expirationTime: "Advertisement will expire",
  mandatoryAssignments: "Mandatory assignments",
  notMandatoryOverSlowLinks: "Assignments are not mandatory over slow links",
  allowUsersToRunIndependently: "Allow users to run the program independently of assignments",
  priority: "Priority",
  includeSubCollection: "Include members of subcollections",
  localDpGroup: "When a distribution point is available locally",
  noLocalDpGroup: "When no distribution point is available locally",
} as const;

export type LocalDpMode = "RUN" | "DOWNLOAD";
export type NoLocalDpMode = "DONT_RUN" | "DOWNLOAD_REMOTE" | "RUN_REMOTE";

export const localDpModeLabels: Record<LocalDpMode, string> = {
  RUN: "Run program from distribution point",
  DOWNLOAD: "Download program from distribution point",
};
export const noLocalDpModeLabels: Record<NoLocalDpMode, string> = {
  DONT_RUN: "Do not run program",
  DOWNLOAD_REMOTE: "Download program from remote distribution point",
  RUN_REMOTE: "Run program from remote distribution point",
};

/** The fields the derived view needs; matches the SMS property names. */
export interface AdvertisementFlagFields {
  advertFlags: number;
  remoteClientFlags: number;
  /** `AssignedSchedule[]` — only its length matters here. */
  assignedSchedule?: readonly unknown[] | null;
  assignedScheduleEnabled?: boolean | null;
}

/**
 * Mandatory = an enabled, non-empty `AssignedSchedule` or one of the IMMEDIATE / ONUSERLOGON /
 * ONUSERLOGOFF bits [F*:S9].
 */
export function isMandatory(a: AdvertisementFlagFields): boolean {
  const hasSchedule = (a.assignedSchedule?.length ?? 0) > 0 && a.assignedScheduleEnabled !== false;
  const f = AdvertFlags.decode(a.advertFlags).flags;
  return hasSchedule || f.IMMEDIATE || f.ONUSERLOGON || f.ONUSERLOGOFF;
}

export function localDpModeOf(remoteClientFlags: number): LocalDpMode {
  const f = RemoteClientFlags.decode(remoteClientFlags).flags;
  // Both or neither set: SMS's default (0x30) downloads, so DOWNLOAD wins. Validation flags "both".
  return f.RUN_FROM_LOCAL_DISPPOINT && !f.DOWNLOAD_FROM_LOCAL_DISPPOINT ? "RUN" : "DOWNLOAD";
}

export function noLocalDpModeOf(remoteClientFlags: number): NoLocalDpMode {
  const f = RemoteClientFlags.decode(remoteClientFlags).flags;
  // Conservative precedence when several are set (validation rejects that): don't run beats download beats run.
  if (f.DONT_RUN_NO_LOCAL_DISPPOINT) return "DONT_RUN";
  if (f.DOWNLOAD_FROM_REMOTE_DISPPOINT) return "DOWNLOAD_REMOTE";
  if (f.RUN_FROM_REMOTE_DISPPOINT) return "RUN_REMOTE";
  return "DONT_RUN";
}

/** Replaces the local/no-local DP choices in a RemoteClientFlags word; other bits are kept. */
export function withRemoteClientModes(
  remoteClientFlags: number,
  modes: { localDpMode?: LocalDpMode; noLocalDpMode?: NoLocalDpMode },
): number {
  let w = remoteClientFlags >>> 0;
  if (modes.localDpMode) {
    w = RemoteClientFlags.with(w, "RUN_FROM_LOCAL_DISPPOINT", modes.localDpMode === "RUN");
    w = RemoteClientFlags.with(w, "DOWNLOAD_FROM_LOCAL_DISPPOINT", modes.localDpMode === "DOWNLOAD");
  }
  if (modes.noLocalDpMode) {
    w = RemoteClientFlags.with(w, "DONT_RUN_NO_LOCAL_DISPPOINT", modes.noLocalDpMode === "DONT_RUN");
    w = RemoteClientFlags.with(w, "DOWNLOAD_FROM_REMOTE_DISPPOINT", modes.noLocalDpMode === "DOWNLOAD_REMOTE");
    w = RemoteClientFlags.with(w, "RUN_FROM_REMOTE_DISPPOINT", modes.noLocalDpMode === "RUN_REMOTE");
  }
  return w;
}

/** Where a client stands when an assignment fires. */
export interface ClientReach {
  clientType: ClientType;
  /**
   * True for a client on a slow or unreliable link: dial-up, a remote (slow) roaming boundary, VPN
   * pools mapped to remote boundaries, or no boundary at all.
   */
  slowLink: boolean;
}

export type ContentSource = "LOCAL_DP_RUN" | "LOCAL_DP_DOWNLOAD" | "REMOTE_DP_DOWNLOAD" | "REMOTE_DP_RUN";

export type MandatoryRunDecision =
  | { run: true; contentSource: ContentSource }
  | { run: false; reason: "NOT_MANDATORY" | "PROGRAM_DISABLED" | "NOT_MANDATORY_OVER_SLOW_LINKS" | "NO_LOCAL_DP" };

/**
 * Does an assignment force the program on this client, and where does the content come from?
 *
 * - Slow link + ONSLOWNET clear → not forced (the program only stays available) [F*:S9][F:S1].
 * - Advanced Client on a slow link: the DP is remote, so `RemoteClientFlags` decide (default: don't run).
 * - Legacy Client: no RemoteClientFlags; runs from the DP over whatever link it has (KB 202332, [F*:S15]).
 * - A disabled program never runs (the halt lever, domain.md §3.4).
 */
export function mandatoryRunDecision(
  advert: AdvertisementFlagFields,
  programFlags: number,
  client: ClientReach,
): MandatoryRunDecision {
  if (ProgramFlags.has(programFlags, "DISABLED")) return { run: false, reason: "PROGRAM_DISABLED" };
  if (!isMandatory(advert)) return { run: false, reason: "NOT_MANDATORY" };
  if (client.slowLink && !AdvertFlags.has(advert.advertFlags, "ONSLOWNET"))
    return { run: false, reason: "NOT_MANDATORY_OVER_SLOW_LINKS" };
  if (client.clientType === "LEGACY")
    return { run: true, contentSource: client.slowLink ? "REMOTE_DP_RUN" : "LOCAL_DP_RUN" };
  if (!client.slowLink) {
    return {
      run: true,
      contentSource: localDpModeOf(advert.remoteClientFlags) === "RUN" ? "LOCAL_DP_RUN" : "LOCAL_DP_DOWNLOAD",
    };
  }
  switch (noLocalDpModeOf(advert.remoteClientFlags)) {
    case "DONT_RUN":
      return { run: false, reason: "NO_LOCAL_DP" };
    case "DOWNLOAD_REMOTE":
      return { run: true, contentSource: "REMOTE_DP_DOWNLOAD" };
    case "RUN_REMOTE":
      return { run: true, contentSource: "REMOTE_DP_RUN" };
  }
}

export interface AdvertisementView {
  advertFlags: number;
  remoteClientFlags: number;
  mandatory: boolean;
  /** ONSLOWNET set ⇔ the "not mandatory over slow links" box is cleared. */
  mandatoryOverSlowLinks: boolean;
  /** NO_DISPLAY clear ⇔ "Allow users to run the program independently" is checked. */
  allowUsersToRunIndependently: boolean;
  localDpMode: LocalDpMode;
  noLocalDpMode: NoLocalDpMode;
  /**
   * Will a dial-up Advanced Client be forced? Dial-up clients get an address in a remote (slow)
   * boundary, so this equals `forcesSlowBoundaryClients`: mandatory, ONSLOWNET set, and a no-local-DP
   * mode other than "Do not run program".
   */
  forcesDialUpClients: boolean;
  forcesSlowBoundaryClients: boolean;
  /** Legacy Clients on slow links only need mandatory + ONSLOWNET (they ignore RemoteClientFlags). */
  forcesLegacySlowLinkClients: boolean;
}

export function advertisementView(a: AdvertisementFlagFields): AdvertisementView {
  const mandatory = isMandatory(a);
  const slowAdvanced = mandatoryRunDecision(a, 0, { clientType: "ADVANCED", slowLink: true }).run;
  return {
    advertFlags: a.advertFlags >>> 0,
    remoteClientFlags: a.remoteClientFlags >>> 0,
    mandatory,
    mandatoryOverSlowLinks: AdvertFlags.has(a.advertFlags, "ONSLOWNET"),
    allowUsersToRunIndependently: !AdvertFlags.has(a.advertFlags, "NO_DISPLAY"),
    localDpMode: localDpModeOf(a.remoteClientFlags),
    noLocalDpMode: noLocalDpModeOf(a.remoteClientFlags),
    forcesDialUpClients: slowAdvanced,
    forcesSlowBoundaryClients: slowAdvanced,
    forcesLegacySlowLinkClients: mandatoryRunDecision(a, 0, { clientType: "LEGACY", slowLink: true }).run,
  };
}

export interface CheckBoxState {
  checked: boolean;
  /** SMS enables the two Schedule-tab boxes only once a mandatory assignment exists [F*:S13]. */
  enabled: boolean;
}

export interface ScheduleTabState {
  notMandatoryOverSlowLinks: CheckBoxState;
  allowUsersToRunIndependently: CheckBoxState;
}

export function scheduleTabState(a: AdvertisementFlagFields): ScheduleTabState {
  const enabled = isMandatory(a);
  return {
    notMandatoryOverSlowLinks: { checked: !AdvertFlags.has(a.advertFlags, "ONSLOWNET"), enabled },
    allowUsersToRunIndependently: { checked: !AdvertFlags.has(a.advertFlags, "NO_DISPLAY"), enabled },
  };
}

/** Applies the two Schedule-tab boxes to an AdvertFlags word; every other bit is kept. */
export function applyScheduleTab(
  advertFlags: number,
  boxes: { notMandatoryOverSlowLinks?: boolean; allowUsersToRunIndependently?: boolean },
): number {
  let w = advertFlags >>> 0;
  if (boxes.notMandatoryOverSlowLinks !== undefined)
    w = AdvertFlags.with(w, "ONSLOWNET", !boxes.notMandatoryOverSlowLinks);
  if (boxes.allowUsersToRunIndependently !== undefined)
    w = AdvertFlags.with(w, "NO_DISPLAY", !boxes.allowUsersToRunIndependently);
  return w;
}

/**
 * Consistency problems of an advertisement's flags (domain.md §5.8 rules). Each entry names the
 * SMS property and a message for the form; empty = consistent.
 */
export function advertisementFlagIssues(
  a: AdvertisementFlagFields,
): { path: "advertFlags" | "remoteClientFlags"; message: string }[] {
  const out: { path: "advertFlags" | "remoteClientFlags"; message: string }[] = [];
  const af = AdvertFlags.decode(a.advertFlags).flags;
  const rf = RemoteClientFlags.decode(a.remoteClientFlags).flags;
  if (!isMandatory(a)) {
    if (af.ONSLOWNET) {
      out.push({
        path: "advertFlags",
        message: `"${advertisementDialogLabels.notMandatoryOverSlowLinks}" only applies to mandatory assignments: add a mandatory assignment or keep the box checked`,
      });
    }
    if (af.NO_DISPLAY) {
      out.push({
        path: "advertFlags",
        message: `"${advertisementDialogLabels.allowUsersToRunIndependently}" can only be cleared on an advertisement with a mandatory assignment`,
      });
    }
  }
  if (rf.RUN_FROM_LOCAL_DISPPOINT && rf.DOWNLOAD_FROM_LOCAL_DISPPOINT) {
    out.push({
      path: "remoteClientFlags",
      message: "Choose either run from or download from the local distribution point, not both",
    });
  }
  const noLocal = [
    rf.DONT_RUN_NO_LOCAL_DISPPOINT,
    rf.DOWNLOAD_FROM_REMOTE_DISPPOINT,
    rf.RUN_FROM_REMOTE_DISPPOINT,
  ].filter(Boolean).length;
  if (noLocal > 1)
    out.push({
      path: "remoteClientFlags",
      message: "Choose one behaviour for when no distribution point is available locally",
    });
  return out;
}
