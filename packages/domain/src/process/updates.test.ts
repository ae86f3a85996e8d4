import { describe, expect, it } from "vitest";
import {
  BulletinIdSchema,
  KbNumberSchema,
  SoftwareUpdateSchema,
  isRemovable,
  softwareUpdateWarnings,
  updateClassificationLabels,
  vendorSeverityLabels,
  type SoftwareUpdate,
} from "./updates.js";

const sasser = {
  bulletinId: "MS04-011",
  kbNumber: "KB835732",
  title: "Security Update for Microsoft Windows (LSASS)",
  classification: "SECURITY_UPDATE",
  vendorSeverity: "CRITICAL",
  products: ["Windows 2000 SP4", "Windows XP SP1"],
  releasedAt: "2004-04-13T17:00:00Z",
  sizeKB: 6_144,
  installerEngine: "UPDATE_EXE",
  installCommand: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
  rollbackability: "REMOVABLE",
  uninstallCommand: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart",
  detectionRule: {
    registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732",
    fileVersion: { path: "%windir%\\system32\\lsasrv.dll", version: "5.1.2600.1361" },
  },
  requiresRestart: "YES",
};

const issues = (u: unknown) =>
  (SoftwareUpdateSchema.safeParse(u).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("SoftwareUpdate", () => {
  it("accepts a complete security update and fills the lists", () => {
    const u: SoftwareUpdate = SoftwareUpdateSchema.parse(sasser);
    expect(u.supersedes).toEqual([]);
    expect(u.touchesFiles).toEqual([]);
  });

  it("bulletin IDs and KB numbers have their shapes (normalised to upper case)", () => {
    expect(BulletinIdSchema.parse(" ms04-011 ")).toBe("MS04-011");
    expect(BulletinIdSchema.safeParse("MS4-11").error?.issues[0]?.message).toBe("A bulletin ID looks like MS04-011");
    expect(KbNumberSchema.parse("kb835732")).toBe("KB835732");
    expect(KbNumberSchema.safeParse("835732").error?.issues[0]?.message).toBe(
      "A KB number is KB followed by digits, e.g. KB835732",
    );
  });

  it("a removable update needs its uninstall command; a non-removable one has none", () => {
    expect(issues({ ...sasser, uninstallCommand: null })).toEqual([
      "uninstallCommand: Enter the uninstall command: the update is marked as removable",
    ]);
    expect(issues({ ...sasser, rollbackability: "NOT_REMOVABLE" })).toEqual([
      "uninstallCommand: An update that cannot be removed has no uninstall command",
    ]);
    expect(issues({ ...sasser, rollbackability: "NOT_REMOVABLE", uninstallCommand: null })).toEqual([]);
    expect(issues({ ...sasser, rollbackability: "REMOVABLE_ORDER_SENSITIVE" })).toEqual([
      "touchesFiles: List the files the update replaces: the safe removal order depends on them",
    ]);
    expect(
      issues({
        ...sasser,
        rollbackability: "REMOVABLE_ORDER_SENSITIVE",
        touchesFiles: ["lsasrv.dll"],
        supersedes: ["KB828741"],
      }),
    ).toEqual([]);
    expect(isRemovable("UNKNOWN")).toBe(false);
  });

  it("a security update has a bulletin and a rating; a Critical Update needs neither", () => {
    expect(issues({ ...sasser, bulletinId: null, vendorSeverity: "NONE" })).toEqual([
      "bulletinId: A security update comes with a security bulletin, e.g. MS04-011",
      "vendorSeverity: A security update carries a severity rating from its bulletin",
    ]);
    expect(issues({ ...sasser, classification: "CRITICAL_UPDATE", bulletinId: null, vendorSeverity: "NONE" })).toEqual(
      [],
    );
  });

  it("other rules: no self-supersedence, registry roots, file versions, products", () => {
    expect(issues({ ...sasser, supersedes: ["KB835732"] })).toEqual(["supersedes: An update cannot supersede itself"]);
    expect(issues({ ...sasser, detectionRule: { registryKey: "SOFTWARE\\Microsoft" } })[0]).toMatch(
      /Start the key with a registry root/,
    );
    expect(
      issues({ ...sasser, detectionRule: { registryKey: "HKLM\\X", fileVersion: { path: "a.dll", version: "five" } } }),
    ).toEqual(["detectionRule.fileVersion.version: A file version looks like 5.1.2600.1361"]);
    expect(issues({ ...sasser, products: [] })).toEqual(["products: List at least one affected product"]);
  });

  it("keeps the Critical Update classification apart from the Critical severity", () => {
    expect(updateClassificationLabels.CRITICAL_UPDATE).toBe("Critical Update (non-security fix)");
    expect(vendorSeverityLabels.CRITICAL).toBe("Critical (vendor severity)");
    expect(
      softwareUpdateWarnings({
        classification: "CRITICAL_UPDATE",
        vendorSeverity: "CRITICAL",
        rollbackability: "REMOVABLE",
        installerEngine: "UPDATE_EXE",
      }),
    ).toEqual([
      '"Critical Update" is a non-security classification; a Critical (vendor severity) rating normally belongs to a Security Update. Check that the two were not confused.',
    ]);
    expect(
      softwareUpdateWarnings({
        classification: "SECURITY_UPDATE",
        vendorSeverity: "CRITICAL",
        rollbackability: "REMOVABLE",
        installerEngine: "UPDATE_EXE",
      }),
    ).toEqual([]);
    expect(
      softwareUpdateWarnings({
        classification: "HOTFIX",
        vendorSeverity: "NONE",
        rollbackability: "UNKNOWN",
        installerEngine: "MSI_PATCH",
      }),
    ).toHaveLength(1);
    expect(
      softwareUpdateWarnings({
        classification: "HOTFIX",
        vendorSeverity: "NONE",
        rollbackability: "REMOVABLE",
        installerEngine: "MSI_PATCH",
      })[0],
    ).toMatch(/Windows Installer 3.0/);
  });
});
