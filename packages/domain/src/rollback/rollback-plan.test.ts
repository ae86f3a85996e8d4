import { describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_POLICY } from "../process/priority.js";
import type { SoftwareUpdate } from "../process/updates.js";
import { advertisementFlagIssues, advertisementView } from "../sms/advertisement.js";
import { DEFAULT_REMOTE_CLIENT_FLAGS, ProgramFlags } from "../sms/flags.js";
import { programFlagConflicts, programView } from "../sms/program.js";
import { ProgramSchema } from "../sms/schemas.js";
import {
  MAX_COMMAND_LINE,
  appliedResourceIds,
  assessRollback,
  checkFirstCommandLine,
  packageCleanupPlan,
  rollbackAdvertisementFlags,
  rollbackPrograms,
  rollbackTargetingCounts,
  rollbackVerification,
  targetingFiguresOf,
  type CatalogUpdate,
  type RollbackTargetRow,
  type CleanupPackageInput,
} from "./rollback-plan.js";

const update = (o: Partial<SoftwareUpdate> = {}): SoftwareUpdate => ({
  bulletinId: "MS04-011",
  kbNumber: "KB835732",
  title: "Security Update for Microsoft Windows (LSASS)",
  classification: "SECURITY_UPDATE",
  vendorSeverity: "CRITICAL",
  products: ["Windows XP"],
  releasedAt: "2004-04-13T17:00:00.000Z",
  sizeKB: 5120,
  installerEngine: "UPDATE_EXE",
  installCommand: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
  rollbackability: "REMOVABLE",
  uninstallCommand: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart",
  detectionRule: { registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" },
  requiresRestart: "YES",
  supersedes: [],
  touchesFiles: ["lsasrv.dll", "netapi32.dll"],
  rollbackNotes: null,
  ...o,
});

const later = (kb: string, releasedAt: string, o: Partial<CatalogUpdate> = {}): CatalogUpdate => ({
  kbNumber: kb,
  title: `Update ${kb}`,
  releasedAt,
  rollbackability: "REMOVABLE",
  touchesFiles: [],
  supersedes: [],
  products: ["Windows XP"],
  ...o,
});

describe("assessRollback", () => {
  it("stops a not-removable update with the reason and the three alternatives", () => {
    const a = assessRollback(
      update({ rollbackability: "NOT_REMOVABLE", uninstallCommand: null, rollbackNotes: "Cannot be uninstalled." }),
      [],
    );
    expect(a).toMatchObject({ verdict: "NOT_FEASIBLE", feasible: false });
    expect(a.reason).toMatch(/cannot be removed/);
    expect(a.reason).toMatch(/Bulletin: Cannot be uninstalled\./);
    expect(a.alternatives).toEqual(["RESTORE_FROM_BACKUP", "REBUILD", "SPARE_HARDWARE"]);
  });

  it("lists later updates sharing files or superseding it, removed newest first and re-deployed oldest first", () => {
    const u = update({ rollbackability: "REMOVABLE_ORDER_SENSITIVE" });
    const a = assessRollback(u, [
      u,
      later("KB840315", "2004-06-08T17:00:00.000Z", { touchesFiles: ["LSASRV.DLL"] }),
      later("KB841533", "2004-07-13T17:00:00.000Z", { supersedes: ["KB835732"] }),
      later("KB828741", "2004-04-13T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"] }), // same day: not later
      later("KB823980", "2003-07-16T17:00:00.000Z", { touchesFiles: ["netapi32.dll"] }), // older
      later("KB999999", "2005-01-01T17:00:00.000Z", { touchesFiles: ["other.dll"] }), // unrelated
    ]);
    expect(a.verdict).toBe("ORDER_SENSITIVE");
    expect(a.feasible).toBe(true);
    expect(a.removeFirst.map((x) => x.kbNumber)).toEqual(["KB841533", "KB840315"]);
    expect(a.redeployAfter.map((x) => x.kbNumber)).toEqual(["KB840315", "KB841533"]);
    expect(a.removeFirst[1]).toMatchObject({ sharedFiles: ["lsasrv.dll"] });
    expect(a.removeFirst[0]?.reasons).toContain("Supersedes KB835732.");
    expect(a.reason).toMatch(/remove KB841533, KB840315 first/);
  });

  it("is not feasible when a later update that must go first cannot be removed", () => {
    const a = assessRollback(update({ rollbackability: "REMOVABLE_ORDER_SENSITIVE" }), [
      later("KB840315", "2004-06-08T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"], rollbackability: "NOT_REMOVABLE" }),
    ]);
    expect(a.verdict).toBe("NOT_FEASIBLE");
    expect(a.reason).toMatch(/only be removed after KB840315/);
    expect(a.alternatives).toHaveLength(3);
  });

  it("warns, but does not block, when removability is unknown or a later update shares files with a removable one", () => {
    const unknown = assessRollback(update({ rollbackability: "UNKNOWN", uninstallCommand: null }), []);
    expect(unknown).toMatchObject({ verdict: "UNKNOWN", feasible: true });
    expect(unknown.warnings[0]).toMatch(/cannot be built until/);
    const removable = assessRollback(update(), [
      later("KB840315", "2004-06-08T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"] }),
    ]);
    expect(removable).toMatchObject({ verdict: "FEASIBLE", removeFirst: [] });
    expect(removable.warnings[0]).toMatch(/KB840315/);
  });

  it("leaves out later updates of other products: an unrelated update that cannot be removed does not block", () => {
    const a = assessRollback(update({ rollbackability: "REMOVABLE_ORDER_SENSITIVE" }), [
      later("KB840315", "2004-06-08T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"] }),
      later("KB841000", "2004-06-08T17:00:00.000Z", {
        touchesFiles: ["lsasrv.dll"],
        rollbackability: "NOT_REMOVABLE",
        products: ["Windows Server 2003"],
      }),
    ]);
    expect(a).toMatchObject({ verdict: "ORDER_SENSITIVE", feasible: true });
    expect(a.removeFirst.map((u) => u.kbNumber)).toEqual(["KB840315"]);
  });

  it("with compliance evidence, only later updates installed next to it go first, with how many computers have both", () => {
    const u = update({ rollbackability: "REMOVABLE_ORDER_SENSITIVE" });
    const catalog = [
      later("KB840315", "2004-06-08T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"] }),
      // Same product and files, cannot be removed, but on no computer that has KB835732.
      later("KB841533", "2004-07-13T17:00:00.000Z", { touchesFiles: ["lsasrv.dll"], rollbackability: "NOT_REMOVABLE" }),
    ];
    const a = assessRollback(u, catalog, { coInstalled: new Map([["KB840315", 12]]) });
    expect(a).toMatchObject({ verdict: "ORDER_SENSITIVE", feasible: true });
    expect(a.removeFirst).toEqual([expect.objectContaining({ kbNumber: "KB840315", installedOn: 12 })]);
    expect(a.reason).toMatch(/remove KB840315 \(on 12 computers\) first/);
    expect(a.warnings.join(" ")).toMatch(/KB841533 replaces the same files but no computer that has KB835732 has it/);
    // Installed next to it: then it blocks.
    const blocked = assessRollback(u, catalog, { coInstalled: new Map([["KB841533", 3]]) });
    expect(blocked.verdict).toBe("NOT_FEASIBLE");
    expect(blocked.reason).toMatch(/only be removed after KB841533 \(on 3 computers\)/);
  });
});

describe("packageCleanupPlan", () => {
  const pkg = (o: Partial<CleanupPackageInput> & Pick<CleanupPackageInput, "packageId">): CleanupPackageInput => ({
    name: o.packageId,
    version: 1,
    sourceVersion: 3,
    kind: "DEPLOY",
    updateIds: ["KB835732"],
    advertisements: [{ advertisementId: "CEN2000A", state: "ACTIVE" }],
    ...o,
  });

  it("removes the update from a package that carries others: new source version, advertisement kept", () => {
    const plan = packageCleanupPlan([pkg({ packageId: "CEN00021", updateIds: ["KB835732", "KB828741"] })], "KB835732");
    expect(plan.branch).toBe("REMOVE_FROM_PACKAGE");
    expect(plan.items[0]).toMatchObject({
      action: "REMOVE_UPDATE",
      updateIdsAfter: ["KB828741"],
      sourceVersionBefore: 3,
      sourceVersionAfter: 4,
      advertisementIds: ["CEN2000A"],
    });
    expect(plan.items[0]?.explanation).toMatch(/stays/);
  });

  it("deletes the advertisement and the package when the update was its only one", () => {
    const plan = packageCleanupPlan([pkg({ packageId: "CEN00021" })], "kb835732");
    expect(plan.branch).toBe("DELETE_ADVERTISEMENT_AND_PACKAGE");
    expect(plan.items[0]).toMatchObject({ action: "DELETE_ADVERTISEMENT_AND_PACKAGE", sourceVersionAfter: null });
  });

  it("says MIXED for both kinds, NOTHING when no deployment package carries it; rollback and deleted packages are left alone", () => {
    const mixed = packageCleanupPlan(
      [pkg({ packageId: "CEN00022", updateIds: ["KB835732", "KB1"] }), pkg({ packageId: "CEN00021" })],
      "KB835732",
    );
    expect(mixed.branch).toBe("MIXED");
    expect(mixed.items.map((i) => i.packageId)).toEqual(["CEN00021", "CEN00022"]);
    const nothing = packageCleanupPlan(
      [
        pkg({ packageId: "CEN00030", kind: "ROLLBACK" }),
        pkg({ packageId: "CEN00031", deleted: true }),
        pkg({ packageId: "CEN00032", updateIds: ["KB1"] }),
      ],
      "KB835732",
    );
    expect(nothing).toMatchObject({ branch: "NOTHING", items: [] });
    expect(nothing.summary).toMatch(/nothing to clean up/);
  });

  it("changes its fingerprint when the data behind it changes, and only then", () => {
    const base = [pkg({ packageId: "CEN00021", updateIds: ["KB835732", "KB828741"] })];
    const fp = packageCleanupPlan(base, "KB835732").fingerprint;
    expect(packageCleanupPlan(base, "KB835732").fingerprint).toBe(fp);
    expect(packageCleanupPlan([{ ...base[0]!, version: 2 }], "KB835732").fingerprint).not.toBe(fp);
    expect(packageCleanupPlan([{ ...base[0]!, updateIds: ["KB835732"] }], "KB835732").fingerprint).not.toBe(fp);
    expect(
      packageCleanupPlan(
        [{ ...base[0]!, advertisements: [{ advertisementId: "CEN2000A", state: "DISABLED" }] }],
        "KB835732",
      ).fingerprint,
    ).not.toBe(fp);
  });
});

describe("rollbackPrograms", () => {
  it("builds a check-first program (option A) and a plain uninstall program (option B)", () => {
    const p = rollbackPrograms(update());
    expect(p.issues).toEqual([]);
    expect(p.checkFirst).toMatchObject({
      programName: "Roll back KB835732 (check first)",
      checksUpdatePresent: true,
      kind: "ROLLBACK",
      commandLine:
        'cmd /c (reg query "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" >nul 2>&1 || exit 0) && %windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart',
    });
    expect(p.plain).toMatchObject({
      programName: "Roll back KB835732",
      checksUpdatePresent: false,
      commandLine: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart",
    });
    for (const spec of [p.checkFirst!, p.plain!]) {
      expect(ProgramSchema.safeParse({ ...spec, packageId: "CEN00030", dependentProgram: null }).success).toBe(true);
    }
  });

  it("sets unattended, administrative rights and the restart from requiresRestart", () => {
    const yes = programView(rollbackPrograms(update({ requiresRestart: "YES" })).plain!.programFlags);
    expect(yes).toMatchObject({
      unattended: true,
      adminRights: true,
      afterRunning: "SMS_RESTARTS_COMPUTER",
      runWhen: "WHETHER_OR_NOT_USER_LOGGED_ON",
      disabled: false,
    });
    const no = rollbackPrograms(update({ requiresRestart: "NO" }));
    expect(programView(no.plain!.programFlags).afterRunning).toBe("NO_ACTION");
    expect(no.warnings.some((w) => /restarts/.test(w))).toBe(false);
    expect(programFlagConflicts(yes.programFlags)).toEqual([]);
    expect(
      ProgramFlags.has(rollbackPrograms(update({ requiresRestart: "MAYBE" })).plain!.programFlags, "OKTOREBOOT"),
    ).toBe(true);
  });

  it("checks a value when the detection rule names one", () => {
    expect(checkFirstCommandLine({ registryKey: "HKLM\\X", valueName: "Installed" }, "u.exe")).toBe(
      'cmd /c (reg query "HKLM\\X" /v "Installed" >nul 2>&1 || exit 0) && u.exe',
    );
  });

  it("cannot build without an uninstall command, or with a command line longer than SMS allows", () => {
    const none = rollbackPrograms(update({ rollbackability: "UNKNOWN", uninstallCommand: null }));
    expect(none).toMatchObject({ checkFirst: null, plain: null });
    expect(none.issues[0]).toMatch(/No uninstall command/);
    const long = rollbackPrograms(update({ uninstallCommand: `x.exe ${"/q ".repeat(90)}` }));
    expect(long.issues.some((i) => i.includes(`SMS allows ${MAX_COMMAND_LINE}`))).toBe(true);
  });

  it('strips trailing backslashes from the detection key: `reg query "…\\"` would escape the closing quote', () => {
    const p = rollbackPrograms(
      update({ detectionRule: { registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\KB835732\\\\ " } }),
    );
    expect(p.checkFirstIssues).toEqual([]);
    expect(p.checkFirst?.commandLine).toMatch(
      /^cmd \/c \(reg query "HKLM\\SOFTWARE\\Microsoft\\Updates\\KB835732" >nul/,
    );
    expect(checkFirstCommandLine({ registryKey: "HKLM\\X\\", valueName: "Installed" }, "u.exe")).toBe(
      'cmd /c (reg query "HKLM\\X" /v "Installed" >nul 2>&1 || exit 0) && u.exe',
    );
  });

  it("refuses a user hive for the check (SYSTEM never sees it): option A unavailable, option B still built", () => {
    for (const registryKey of [
      "HKCU\\Software\\KB835732",
      "HKEY_USERS\\.DEFAULT\\Software\\KB835732",
      "HKU\\S-1-5-18\\X",
    ]) {
      const p = rollbackPrograms(update({ detectionRule: { registryKey } }));
      expect(p.checkFirst, registryKey).toBeNull();
      expect(p.checkFirstIssues[0], registryKey).toMatch(/runs as SYSTEM/);
      expect(p.issues, registryKey).toEqual([]);
      expect(p.plain?.commandLine).toBe("%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart");
    }
    expect(
      rollbackPrograms(update({ detectionRule: { registryKey: "HKEY_LOCAL_MACHINE\\SOFTWARE\\X" } })).checkFirst,
    ).not.toBeNull();
  });

  it("refuses % in the detection key or value: cmd /c would expand it, and %% only escapes it in batch files", () => {
    const key = rollbackPrograms(
      update({ detectionRule: { registryKey: "HKLM\\SOFTWARE\\%PROCESSOR_ARCHITECTURE%\\KB835732" } }),
    );
    expect(key.checkFirst).toBeNull();
    expect(key.checkFirstIssues.join(" ")).toMatch(/contains %: cmd would expand it/);
    expect(key.plain).not.toBeNull();
    const value = rollbackPrograms(update({ detectionRule: { registryKey: "HKLM\\X", valueName: "100%" } }));
    expect(value.checkFirst).toBeNull();
    // The uninstall command's own %windir% is meant to expand: it is no problem.
    expect(rollbackPrograms(update()).checkFirstIssues).toEqual([]);
  });

  it("a check-first line longer than SMS allows leaves only option A unavailable", () => {
    const p = rollbackPrograms(update({ uninstallCommand: `x.exe ${"/q ".repeat(70)}` }));
    expect(p.issues).toEqual([]);
    expect(p.checkFirst).toBeNull();
    expect(p.checkFirstIssues[0]).toMatch(/check-first command line has \d+ characters/);
    expect(p.plain).not.toBeNull();
  });

  it("warns about reg.exe on Windows 2000 and an unchecked file version", () => {
    const p = rollbackPrograms(
      update({
        products: ["Windows 2000"],
        detectionRule: { registryKey: "HKLM\\X", fileVersion: { path: "lsasrv.dll", version: "5.0.2195.6902" } },
      }),
    );
    expect(p.warnings.join(" ")).toMatch(/Windows 2000 has no reg\.exe/);
    expect(p.warnings.join(" ")).toMatch(/file version is not checked/);
  });
});

describe("rollbackAdvertisementFlags", () => {
  it("is mandatory as soon as possible; an Emergency is also mandatory over slow links and downloads from remote DPs", () => {
    const high = rollbackAdvertisementFlags("HIGH");
    const view = advertisementView({ ...high, assignedSchedule: [], assignedScheduleEnabled: false });
    expect(view).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: false });
    expect(high.remoteClientFlags).toBe(DEFAULT_REMOTE_CLIENT_FLAGS);
    const emergency = rollbackAdvertisementFlags("EMERGENCY", DEFAULT_PRIORITY_POLICY);
    const ev = advertisementView({ ...emergency, assignedSchedule: [], assignedScheduleEnabled: false });
    expect(ev).toMatchObject({ mandatory: true, mandatoryOverSlowLinks: true, noLocalDpMode: "DOWNLOAD_REMOTE" });
    expect(emergency.priority).toBe(1);
    expect(advertisementFlagIssues(emergency)).toEqual([]);
  });

  it("follows a policy that asks for slow links on another priority", () => {
    const policy = { ...DEFAULT_PRIORITY_POLICY, HIGH: { ...DEFAULT_PRIORITY_POLICY.HIGH, requiresOnSlowNet: true } };
    const f = rollbackAdvertisementFlags("HIGH", policy);
    expect(advertisementView(f).mandatoryOverSlowLinks).toBe(true);
  });
});

describe("targeting", () => {
  const compliance = [
    { resourceId: 1001, state: "INSTALLED" },
    { resourceId: 1002, state: "REQUIRED" },
    { resourceId: 1003, state: "INSTALLED_PENDING_REBOOT" },
    { resourceId: 1004, state: "NOT_APPLICABLE" },
    { resourceId: 1006, state: "ROLLED_BACK" },
    { resourceId: 2001, state: "INSTALLED" }, // not in the original collection
  ];
  const original = { collectionId: "CEN00010", includeSubCollection: true };

  it("option B only ever holds computers with evidence that they applied the update", () => {
    expect(appliedResourceIds(compliance)).toEqual([1001, 1003, 2001]);
    expect(appliedResourceIds([])).toEqual([]);
  });

  it("counts A and B side by side, and the computers with evidence that option A misses", () => {
    const figures = targetingFiguresOf([1001, 1002, 1003, 1005], compliance);
    expect(figures).toEqual({
      members: 4,
      membersWithEvidence: 2,
      installed: 2,
      pendingReboot: 1,
      evidenceOutsideCollection: 1,
    });
    const counts = rollbackTargetingCounts({ kbNumber: "KB835732", original, figures });
    expect(counts.sameCollection).toMatchObject({
      available: true,
      targeted: 4,
      withEvidence: 2,
      outsideWithEvidence: 1,
    });
    expect(counts.appliedOnly).toMatchObject({ available: true, targeted: 3, installed: 2, pendingReboot: 1 });
  });

  it("makes an option unavailable, with the reason, when it would target nobody or has no check-first program", () => {
    const counts = rollbackTargetingCounts({
      kbNumber: "KB835732",
      original: null,
      figures: targetingFiguresOf([], [{ resourceId: 1, state: "REQUIRED" }]),
    });
    expect(counts.sameCollection.available).toBe(false);
    expect(counts.sameCollection.reason).toMatch(/use option B/);
    expect(counts.appliedOnly.available).toBe(false);
    expect(counts.appliedOnly.reason).toMatch(/target nobody/);
    const noCheck = rollbackTargetingCounts({
      kbNumber: "KB835732",
      original,
      figures: targetingFiguresOf([1001], compliance),
      checkFirstUnavailable: "The detection rule's registry key is under HKCU.",
    });
    expect(noCheck.sameCollection).toMatchObject({ available: false, targeted: 1 });
    expect(noCheck.sameCollection.reason).toMatch(/check-first program cannot be built: .*HKCU/);
    expect(noCheck.appliedOnly.available).toBe(true);
  });
});

describe("rollbackVerification", () => {
  const A = Date.parse("2026-05-01T10:00:00Z");
  const H = 3_600_000;
  const row = (resourceId: number, o: Partial<RollbackTargetRow> = {}): RollbackTargetRow => ({
    resourceId,
    hadUpdate: true,
    complianceState: "INSTALLED",
    complianceTime: A - 48 * H,
    clientState: null,
    clientStatusTime: null,
    exitCode: null,
    lastSeenAt: A - H,
    taskId: null,
    taskState: null,
    ...o,
  });
  const verify = (rows: RollbackTargetRow[], now: number, graceHours?: number) =>
    rollbackVerification({
      kbNumber: "KB835732",
      advertisedAt: A,
      now,
      rows,
      ...(graceHours === undefined ? {} : { graceHours }),
    });

  it("right after advertising nobody is unreachable yet: computers without status are in progress, no task", () => {
    const v = verify(
      [row(1001), row(1002), row(1003, { complianceState: null, complianceTime: null })],
      A + 5 * 60_000,
    );
    expect(v.groups).toMatchObject({ IN_PROGRESS: 3, UNREACHABLE: 0, REMOVED: 0 });
    expect(v).toMatchObject({ remaining: 3, neverReported: 3, tasksToCreate: 0, graceHours: 24 });
    expect(v.graceEndsAt).toBe(new Date(A + 24 * H).toISOString());
    expect(v.needTask).toEqual([]);
  });

  it("classifies each computer from compliance since the advertisement, its client status and when it was last heard from", () => {
    const now = A + 30 * H;
    const v = verify(
      [
        row(1, { complianceState: "ROLLED_BACK", complianceTime: A + H }), // removed
        row(2, { complianceState: "REQUIRED", complianceTime: A + 2 * H }), // removed (scan says not installed)
        row(3, { complianceState: "ROLLED_BACK", complianceTime: A - H }), // reported before: not removed by this rollback
        row(4, { hadUpdate: false, complianceState: "REQUIRED", complianceTime: A - H }), // never had it
        row(5, { clientState: "SUCCEEDED", clientStatusTime: A + H }), // awaiting scan
        row(6, { clientState: "RUNNING", clientStatusTime: now - H }), // in progress
        row(7, { clientState: "FAILED", clientStatusTime: A + H, exitCode: 1603 }), // failed
        row(8, { lastSeenAt: now - 2 * H }), // seen lately, but no status after the grace window: unreachable
        row(9, { clientState: "DOWNLOAD_IN_PROGRESS", clientStatusTime: A + H, lastSeenAt: A + H }), // off-line since
        row(10, { clientState: "SUCCEEDED", clientStatusTime: A + H, complianceTime: A + 2 * H }), // scanned after success, still there
        row(11, { taskId: "t-11", taskState: "DONE" }), // settled by hand
        row(12, { complianceState: null, complianceTime: null, taskId: "t-12", taskState: "OPEN" }), // unreachable, has a task
      ],
      now,
    );
    expect(v.groups).toEqual({
      REMOVED: 2,
      NOT_AFFECTED: 1,
      SETTLED_BY_OOB: 1,
      AWAITING_SCAN: 1,
      IN_PROGRESS: 1,
      FAILED: 2,
      UNREACHABLE: 4,
    });
    expect(v.remaining).toBe(8);
    expect(v.neverReported).toBe(7);
    expect(v.needTask.map((t) => [t.resourceId, t.group])).toEqual([
      [3, "UNREACHABLE"],
      [7, "FAILED"],
      [8, "UNREACHABLE"],
      [9, "UNREACHABLE"],
      [10, "FAILED"],
    ]);
    expect(v.needTask.find((t) => t.resourceId === 7)?.why).toBe(
      "the rollback advertisement reports failed (exit code 1603)",
    );
    expect(v.needTask.find((t) => t.resourceId === 8)?.why).toMatch(
      /no status from the rollback advertisement within 24 hours/,
    );
    expect(v.needTask.find((t) => t.resourceId === 10)?.why).toMatch(/reported success, but compliance scanned since/);
  });

  it("an off-line computer is unreachable before the grace window ends; a grace of 0 makes every silent computer unreachable", () => {
    const now = A + H;
    const v = verify([row(1, { lastSeenAt: A - 72 * H }), row(2)], now);
    expect(v.groups).toMatchObject({ UNREACHABLE: 1, IN_PROGRESS: 1 });
    expect(verify([row(1), row(2)], now, 0).groups.UNREACHABLE).toBe(2);
  });

  it("closes the open tasks of computers compliance now shows clean, and completes when nothing remains", () => {
    const v = verify(
      [
        row(1, { complianceState: "ROLLED_BACK", complianceTime: A + H, taskId: "t-1", taskState: "IN_PROGRESS" }),
        row(2, { complianceState: "ROLLED_BACK", complianceTime: A + H, taskId: "t-2", taskState: "DONE" }),
        row(3, { taskId: "t-3", taskState: "NOT_NEEDED" }),
      ],
      A + 2 * H,
    );
    expect(v.closeTasks).toEqual([
      {
        taskId: "t-1",
        resourceId: 1,
        evidence: `Compliance shows KB835732 rolled back since ${new Date(A + H).toISOString()}: closed by the rollback's verification.`,
      },
    ]);
    expect(v).toMatchObject({ remaining: 0, tasksToClose: 1, groups: { REMOVED: 2, SETTLED_BY_OOB: 1 } });
  });
});
