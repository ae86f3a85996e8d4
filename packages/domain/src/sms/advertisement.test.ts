import { describe, expect, it } from "vitest";
import {
  advertisementDialogLabels,
  advertisementFlagIssues,
  advertisementView,
  applyScheduleTab,
  isMandatory,
  mandatoryRunDecision,
  scheduleTabState,
  withRemoteClientModes,
  type AdvertisementFlagFields,
} from "./advertisement.js";
import { AdvertFlags, DEFAULT_REMOTE_CLIENT_FLAGS, ProgramFlags, RemoteClientFlags } from "./flags.js";

const assignment = [{ startTime: "2026-03-10T10:00:00Z" }];
const base: AdvertisementFlagFields = {
  advertFlags: 0,
  remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS,
  assignedSchedule: [],
  assignedScheduleEnabled: false,
};

describe("mandatory and the slow-link box (domain.md §3.3)", () => {
  it("a new mandatory assignment shows 'Assignments are not mandatory over slow links' CHECKED, as SMS did", () => {
    const advert = { ...base, assignedSchedule: assignment, assignedScheduleEnabled: true };
    const tab = scheduleTabState(advert);
    expect(advertisementDialogLabels.notMandatoryOverSlowLinks).toBe("Assignments are not mandatory over slow links");
    expect(tab.notMandatoryOverSlowLinks).toEqual({ checked: true, enabled: true });
    expect(tab.allowUsersToRunIndependently).toEqual({ checked: true, enabled: true });
    const v = advertisementView(advert);
    expect(v.mandatory).toBe(true);
    expect(v.mandatoryOverSlowLinks).toBe(false);
    expect(v.forcesDialUpClients).toBe(false);
    expect(v.forcesSlowBoundaryClients).toBe(false);
    expect(v.forcesLegacySlowLinkClients).toBe(false);
  });

  it("clearing the box sets ONSLOWNET and keeps every other bit", () => {
    const start = 0x00100000 | AdvertFlags.bitOf.IMMEDIATE;
    const cleared = applyScheduleTab(start, { notMandatoryOverSlowLinks: false });
    expect(cleared).toBe((start | 0x04000000) >>> 0);
    expect(applyScheduleTab(cleared, { notMandatoryOverSlowLinks: true })).toBe(start);
    const noIndependent = applyScheduleTab(start, { allowUsersToRunIndependently: false });
    expect(AdvertFlags.has(noIndependent, "NO_DISPLAY")).toBe(true);
  });

  it("the boxes are disabled without a mandatory assignment", () => {
    expect(scheduleTabState(base).notMandatoryOverSlowLinks.enabled).toBe(false);
  });

  it("IMMEDIATE, ONUSERLOGON and ONUSERLOGOFF make it mandatory; ONSYSTEMSTARTUP alone does not; a disabled schedule does not", () => {
    expect(isMandatory({ ...base, advertFlags: AdvertFlags.bitOf.IMMEDIATE })).toBe(true);
    expect(isMandatory({ ...base, advertFlags: AdvertFlags.bitOf.ONUSERLOGON })).toBe(true);
    expect(isMandatory({ ...base, advertFlags: AdvertFlags.bitOf.ONUSERLOGOFF })).toBe(true);
    expect(isMandatory({ ...base, advertFlags: AdvertFlags.bitOf.ONSYSTEMSTARTUP })).toBe(false);
    expect(isMandatory({ ...base, assignedSchedule: assignment, assignedScheduleEnabled: false })).toBe(false);
    expect(isMandatory({ ...base, assignedSchedule: assignment, assignedScheduleEnabled: true })).toBe(true);
  });
});

describe("Advanced Client tab", () => {
  it("maps the default 0x30 to DOWNLOAD / DONT_RUN", () => {
    const v = advertisementView(base);
    expect(v.localDpMode).toBe("DOWNLOAD");
    expect(v.noLocalDpMode).toBe("DONT_RUN");
  });

  it("changes modes without touching rerun or unknown bits", () => {
    const start = DEFAULT_REMOTE_CLIENT_FLAGS | RemoteClientFlags.bitOf.RERUN_IF_FAILED | 0x00010000;
    const w = withRemoteClientModes(start, { localDpMode: "RUN", noLocalDpMode: "DOWNLOAD_REMOTE" });
    expect(RemoteClientFlags.namesOf(w)).toEqual([
      "RUN_FROM_LOCAL_DISPPOINT",
      "DOWNLOAD_FROM_REMOTE_DISPPOINT",
      "RERUN_IF_FAILED",
    ]);
    expect(RemoteClientFlags.decode(w).unknownBits).toBe(0x00010000);
    expect(advertisementView({ ...base, remoteClientFlags: w })).toMatchObject({
      localDpMode: "RUN",
      noLocalDpMode: "DOWNLOAD_REMOTE",
    });
  });
});

describe("mandatoryRunDecision", () => {
  const emergency: AdvertisementFlagFields = {
    advertFlags: AdvertFlags.bitOf.ONSLOWNET,
    remoteClientFlags: withRemoteClientModes(0, { localDpMode: "DOWNLOAD", noLocalDpMode: "DOWNLOAD_REMOTE" }),
    assignedSchedule: assignment,
    assignedScheduleEnabled: true,
  };

  it("forces slow-link clients only with ONSLOWNET and a remote-DP option", () => {
    expect(mandatoryRunDecision(emergency, 0, { clientType: "ADVANCED", slowLink: true })).toEqual({
      run: true,
      contentSource: "REMOTE_DP_DOWNLOAD",
    });
    expect(advertisementView(emergency)).toMatchObject({
      forcesDialUpClients: true,
      forcesSlowBoundaryClients: true,
      forcesLegacySlowLinkClients: true,
    });

    const noSlow = { ...emergency, advertFlags: 0 };
    expect(mandatoryRunDecision(noSlow, 0, { clientType: "ADVANCED", slowLink: true })).toEqual({
      run: false,
      reason: "NOT_MANDATORY_OVER_SLOW_LINKS",
    });
    expect(mandatoryRunDecision(noSlow, 0, { clientType: "LEGACY", slowLink: true })).toEqual({
      run: false,
      reason: "NOT_MANDATORY_OVER_SLOW_LINKS",
    });

    const dontRun = { ...emergency, remoteClientFlags: DEFAULT_REMOTE_CLIENT_FLAGS };
    expect(mandatoryRunDecision(dontRun, 0, { clientType: "ADVANCED", slowLink: true })).toEqual({
      run: false,
      reason: "NO_LOCAL_DP",
    });
    expect(advertisementView(dontRun)).toMatchObject({ forcesDialUpClients: false, forcesLegacySlowLinkClients: true });
  });

  it("fast clients follow the local-DP mode; legacy clients run from the DP", () => {
    expect(mandatoryRunDecision(emergency, 0, { clientType: "ADVANCED", slowLink: false })).toEqual({
      run: true,
      contentSource: "LOCAL_DP_DOWNLOAD",
    });
    const runFromDp = {
      ...emergency,
      remoteClientFlags: withRemoteClientModes(emergency.remoteClientFlags, { localDpMode: "RUN" }),
    };
    expect(mandatoryRunDecision(runFromDp, 0, { clientType: "ADVANCED", slowLink: false })).toEqual({
      run: true,
      contentSource: "LOCAL_DP_RUN",
    });
    expect(mandatoryRunDecision(emergency, 0, { clientType: "LEGACY", slowLink: true })).toEqual({
      run: true,
      contentSource: "REMOTE_DP_RUN",
    });
  });

  it("a disabled program or an optional advertisement never forces a run", () => {
    expect(
      mandatoryRunDecision(emergency, ProgramFlags.bitOf.DISABLED, { clientType: "ADVANCED", slowLink: false }),
    ).toEqual({ run: false, reason: "PROGRAM_DISABLED" });
    expect(
      mandatoryRunDecision({ ...emergency, assignedSchedule: [] }, 0, { clientType: "ADVANCED", slowLink: false }),
    ).toEqual({ run: false, reason: "NOT_MANDATORY" });
  });
});

describe("advertisementFlagIssues", () => {
  it("ONSLOWNET and NO_DISPLAY are only meaningful on mandatory advertisements", () => {
    const issues = advertisementFlagIssues({
      ...base,
      advertFlags: AdvertFlags.fromNames(["ONSLOWNET", "NO_DISPLAY"]),
    });
    expect(issues).toHaveLength(2);
    expect(issues[0]?.message).toContain("Assignments are not mandatory over slow links");
    expect(
      advertisementFlagIssues({ ...base, advertFlags: AdvertFlags.fromNames(["ONSLOWNET", "IMMEDIATE"]) }),
    ).toEqual([]);
  });

  it("conflicting Advanced Client choices", () => {
    expect(advertisementFlagIssues({ ...base, remoteClientFlags: 0x08 | 0x10 | 0x20 })).toHaveLength(1);
    expect(advertisementFlagIssues({ ...base, remoteClientFlags: 0x10 | 0x20 | 0x40 })).toHaveLength(1);
  });
});
