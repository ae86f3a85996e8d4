import {
  AdvertFlags,
  advertisementDialogLabels,
  advertisementView,
  applyScheduleTab,
  isMandatory,
  type AdvertisementRecord,
  type AdvertPriority,
  type ScheduleToken,
  type UpdateAdvertisementBody,
} from "@firebreak/domain";

/** What the Properties dialog edits: the PUT body, with the comment as plain text. */
export interface AdvertisementDraft {
  advertisementId: string;
  advertisementName: string;
  comment: string;
  packageId: string;
  programName: string;
  collectionId: string;
  includeSubCollection: boolean;
  presentTime: string;
  expirationTime: string | null;
  assignedSchedule: ScheduleToken[];
  assignedScheduleEnabled: boolean;
  advertFlags: number;
  remoteClientFlags: number;
  priority: AdvertPriority;
  state: "ACTIVE" | "DISABLED";
}

export function draftFromRecord(a: AdvertisementRecord): AdvertisementDraft {
  return {
    advertisementId: a.advertisementId,
    advertisementName: a.advertisementName,
    comment: a.comment ?? "",
    packageId: a.packageId,
    programName: a.programName,
    collectionId: a.collectionId,
    includeSubCollection: a.includeSubCollection,
    presentTime: a.presentTime,
    expirationTime: a.expirationTime,
    assignedSchedule: a.assignedSchedule.map((t) => ({ ...t })),
    assignedScheduleEnabled: a.assignedScheduleEnabled,
    advertFlags: a.advertFlags >>> 0,
    remoteClientFlags: a.remoteClientFlags >>> 0,
    priority: a.priority,
    state: a.state === "DISABLED" ? "DISABLED" : "ACTIVE",
  };
}

export function bodyFromDraft(d: AdvertisementDraft): UpdateAdvertisementBody {
  return { ...d, comment: d.comment.trim() === "" ? null : d.comment };
}

/** The mandatory assignments as the Schedule tab lists them. */
export type Assignment =
  { kind: "IMMEDIATE" | "ONUSERLOGON" | "ONUSERLOGOFF" } | { kind: "TIME"; index: number; token: ScheduleToken };

export function assignmentsOf(d: AdvertisementDraft): Assignment[] {
  const out: Assignment[] = [];
  for (const kind of ["IMMEDIATE", "ONUSERLOGON", "ONUSERLOGOFF"] as const)
    if (AdvertFlags.has(d.advertFlags, kind)) out.push({ kind });
  d.assignedSchedule.forEach((token, index) => out.push({ kind: "TIME", index, token }));
  return out;
}

/**
 * Once the last mandatory assignment is gone, SMS greys out the two Schedule-tab boxes; they go
 * back to their defaults (checked) so the advertisement stays consistent (domain.md §5.8).
 */
function settle(d: AdvertisementDraft): AdvertisementDraft {
  if (isMandatory(d)) return d;
  return {
    ...d,
    advertFlags: applyScheduleTab(d.advertFlags, {
      notMandatoryOverSlowLinks: true,
      allowUsersToRunIndependently: true,
    }),
  };
}

/** "As soon as possible" = the IMMEDIATE bit. The slow-link box keeps its state: a new one shows checked. */
export const addAsSoonAsPossible = (d: AdvertisementDraft): AdvertisementDraft => ({
  ...d,
  advertFlags: AdvertFlags.with(d.advertFlags, "IMMEDIATE", true),
});

export const addAssignmentAt = (d: AdvertisementDraft, startTime: string): AdvertisementDraft => ({
  ...d,
  assignedSchedule: [...d.assignedSchedule, { startTime }].sort(
    (a, b) => Date.parse(a.startTime) - Date.parse(b.startTime),
  ),
  assignedScheduleEnabled: true,
});

export function removeAssignment(d: AdvertisementDraft, a: Assignment): AdvertisementDraft {
  if (a.kind === "TIME") return settle({ ...d, assignedSchedule: d.assignedSchedule.filter((_, i) => i !== a.index) });
  return settle({ ...d, advertFlags: AdvertFlags.with(d.advertFlags, a.kind, false) });
}

export const setScheduleBoxes = (
  d: AdvertisementDraft,
  boxes: Parameters<typeof applyScheduleTab>[1],
): AdvertisementDraft => ({
  ...d,
  advertFlags: applyScheduleTab(d.advertFlags, boxes),
});

export interface SlowLinkVerdict {
  forced: boolean;
  reason: string;
}

/** Plain words for the summary box: will dial-up / slow-boundary Advanced Clients be forced, and why. */
export function slowLinkVerdict(
  d: Pick<AdvertisementDraft, "advertFlags" | "remoteClientFlags" | "assignedSchedule" | "assignedScheduleEnabled">,
  programDisabled: boolean,
): SlowLinkVerdict {
  const view = advertisementView(d);
  if (programDisabled) return { forced: false, reason: "the program is disabled: nothing runs anywhere" };
  if (!view.mandatory) return { forced: false, reason: "the advertisement has no mandatory assignment" };
  if (!view.mandatoryOverSlowLinks)
    return { forced: false, reason: `“${advertisementDialogLabels.notMandatoryOverSlowLinks}” is checked` };
  if (!view.forcesSlowBoundaryClients)
    return {
      forced: false,
      reason: "the Advanced Client tab says “Do not run program” when no distribution point is local",
    };
  return {
    forced: true,
    reason:
      view.noLocalDpMode === "DOWNLOAD_REMOTE"
        ? "the assignment is mandatory over slow links and the program is downloaded from a remote distribution point"
        : "the assignment is mandatory over slow links and the program runs from a remote distribution point",
  };
}

/** `datetime-local` inputs hold local wall time without a zone; the API wants ISO-8601 with one. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
