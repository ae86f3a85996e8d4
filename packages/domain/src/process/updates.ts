import { z } from "zod";
import { TimestampSchema } from "../common/http.js";

/**
 * Software updates (domain.md §4.3, §6, §8.1): the vendor's facts about one update, kept apart
 * from the organisation's release priority (priority.ts).
 *
 * Terminology trap [F:S25]: Microsoft's "Critical Update" is a CLASSIFICATION — a widely released
 * fix for a non-security bug. It has nothing to do with the CRITICAL vendor SEVERITY of a
 * security bulletin, and neither of them is a release priority. The console stores and shows the
 * three separately and labels them so they cannot be confused.
 */

export const UPDATE_CLASSIFICATIONS = [
  "SECURITY_UPDATE",
  "CRITICAL_UPDATE",
  "UPDATE_ROLLUP",
  "SERVICE_PACK",
  "HOTFIX",
  "FEATURE_PACK",
  "OTHER",
] as const;
export const UpdateClassificationSchema = z.enum(UPDATE_CLASSIFICATIONS, {
  message: "Choose the update classification",
});
export type UpdateClassification = z.infer<typeof UpdateClassificationSchema>;

export const updateClassificationLabels: Record<UpdateClassification, string> = {
  SECURITY_UPDATE: "Security Update",
  // Not a severity: see the file comment.
  CRITICAL_UPDATE: "Critical Update (non-security fix)",
  UPDATE_ROLLUP: "Update Rollup",
  SERVICE_PACK: "Service Pack",
  HOTFIX: "Hotfix",
  FEATURE_PACK: "Feature Pack",
  OTHER: "Other",
};

export const updateClassificationDescriptions: Record<UpdateClassification, string> = {
  SECURITY_UPDATE: "Fixes a security vulnerability; comes with a security bulletin and a severity rating.",
  CRITICAL_UPDATE:
    "Microsoft's name for a broadly released fix of a critical, non-security bug. It is a classification, not the Critical severity of a security bulletin, and not an Emergency release priority.",
  UPDATE_ROLLUP: "A cumulative set of fixes packaged together for easy deployment.",
  SERVICE_PACK: "A cumulative set of all fixes and updates since the product or the previous service pack.",
  HOTFIX: "A fix for a specific problem, usually for customers who have that problem.",
  FEATURE_PACK: "New product functionality, first shipped outside a product release.",
  OTHER: "Anything else.",
};

/** Microsoft Security Bulletin severity ratings of the SMS 2003 era [F:S8]; NONE = not a security update. */
export const VENDOR_SEVERITIES = ["CRITICAL", "IMPORTANT", "MODERATE", "LOW", "NONE"] as const;
export const VendorSeveritySchema = z.enum(VENDOR_SEVERITIES, { message: "Choose the vendor severity rating" });
export type VendorSeverity = z.infer<typeof VendorSeveritySchema>;

/** "(vendor)" in every label: a severity is Microsoft's rating of the vulnerability, not our priority. */
export const vendorSeverityLabels: Record<VendorSeverity, string> = {
  CRITICAL: "Critical (vendor severity)",
  IMPORTANT: "Important (vendor severity)",
  MODERATE: "Moderate (vendor severity)",
  LOW: "Low (vendor severity)",
  NONE: "Not rated (no security bulletin)",
};

export const vendorSeverityDescriptions: Record<VendorSeverity, string> = {
  CRITICAL: "Exploitation could let an Internet worm spread without user action.",
  IMPORTANT:
    "Exploitation could compromise the confidentiality, integrity or availability of user data or processing resources.",
  MODERATE: "Exploitability is substantially reduced by default configuration, auditing or difficulty of exploitation.",
  LOW: "Exploitation is very hard or its impact is minimal.",
  NONE: "The update does not fix a rated security vulnerability.",
};

/** Installer engines (domain.md §6.1, §6.4). */
export const INSTALLER_ENGINES = [
  "HOTFIX_EXE",
  "UPDATE_EXE",
  "MSI_PATCH",
  "IE_PACKAGE",
  "SERVICE_PACK",
  "OTHER",
] as const;
export const InstallerEngineSchema = z.enum(INSTALLER_ENGINES, { message: "Choose the installer engine" });
export type InstallerEngine = z.infer<typeof InstallerEngineSchema>;

export const installerEngineLabels: Record<InstallerEngine, string> = {
  HOTFIX_EXE: "Hotfix.exe (NT 4 / early Windows 2000)",
  UPDATE_EXE: "Update.exe (Windows 2000 SP3+, XP, 2003)",
  MSI_PATCH: "Windows Installer patch (.msp)",
  IE_PACKAGE: "Internet Explorer / application package",
  SERVICE_PACK: "Service pack installer",
  OTHER: "Other",
};

/** Whether an update can be removed (domain.md §6.3–6.4). */
export const ROLLBACKABILITIES = ["REMOVABLE", "REMOVABLE_ORDER_SENSITIVE", "NOT_REMOVABLE", "UNKNOWN"] as const;
export const RollbackabilitySchema = z.enum(ROLLBACKABILITIES, { message: "Say whether the update can be removed" });
export type Rollbackability = z.infer<typeof RollbackabilitySchema>;

export const rollbackabilityLabels: Record<Rollbackability, string> = {
  REMOVABLE: "Can be removed",
  REMOVABLE_ORDER_SENSITIVE: "Can be removed, in reverse installation order only",
  NOT_REMOVABLE: "Cannot be removed",
  UNKNOWN: "Not known yet",
};

export const isRemovable = (r: Rollbackability): boolean => r === "REMOVABLE" || r === "REMOVABLE_ORDER_SENSITIVE";

export const RESTART_REQUIREMENTS = ["YES", "NO", "MAYBE"] as const;
export const RestartRequirementSchema = z.enum(RESTART_REQUIREMENTS, {
  message: "Say whether the update needs a restart",
});
export type RestartRequirement = z.infer<typeof RestartRequirementSchema>;

export const restartRequirementLabels: Record<RestartRequirement, string> = {
  YES: "Restart required",
  NO: "No restart",
  MAYBE: "May require a restart",
};

export const BulletinIdSchema = z
  .string({ message: "Enter the bulletin ID" })
  .trim()
  .toUpperCase()
  .regex(/^MS\d{2}-\d{3}$/, "A bulletin ID looks like MS04-011");

export const KbNumberSchema = z
  .string({ message: "Enter the KB number" })
  .trim()
  .toUpperCase()
  .regex(/^KB\d{4,8}$/, "A KB number is KB followed by digits, e.g. KB835732");
export type KbNumber = z.infer<typeof KbNumberSchema>;

const REGISTRY_ROOT = /^(HKLM|HKEY_LOCAL_MACHINE|HKCU|HKEY_CURRENT_USER|HKCR|HKEY_CLASSES_ROOT|HKU|HKEY_USERS)\\/i;
const FILE_VERSION = /^\d+(\.\d+){1,3}$/;

/**
 * How the check-first rollback program (option A) and the console tell whether the update is
 * present (domain.md §6.4). A file-version check needs the file as well as the version.
 */
export const DetectionRuleSchema = z.object({
  registryKey: z
    .string({ message: "Enter the registry key" })
    .trim()
    .min(1, "Enter the registry key")
    .max(255, "Use at most 255 characters")
    .regex(REGISTRY_ROOT, "Start the key with a registry root, e.g. HKLM\\SOFTWARE\\Microsoft\\Updates\\…"),
  valueName: z.string().trim().min(1, "Enter the value name or leave it out").max(255).optional(),
  fileVersion: z
    .object({
      path: z.string().trim().min(1, "Enter the file path").max(260, "A Windows path has at most 260 characters"),
      version: z.string().trim().regex(FILE_VERSION, "A file version looks like 5.1.2600.1361"),
    })
    .optional(),
});
export type DetectionRule = z.infer<typeof DetectionRuleSchema>;

const command = (what: string) =>
  z
    .string({ message: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .max(1024, `The ${what} has at most 1,024 characters`);

/** One vendor update as the console records it (domain.md §8.1 SoftwareUpdate). */
export const SoftwareUpdateSchema = z
  .object({
    /** Security bulletins only; a Critical Update or a hotfix has none. */
    bulletinId: BulletinIdSchema.nullable(),
    kbNumber: KbNumberSchema,
    title: z.string({ message: "Enter a title" }).trim().min(1, "Enter a title").max(200, "Use at most 200 characters"),
    classification: UpdateClassificationSchema,
    vendorSeverity: VendorSeveritySchema,
    products: z
      .array(z.string().trim().min(1, "A product name cannot be empty").max(200))
      .min(1, "List at least one affected product"),
    releasedAt: TimestampSchema,
    sizeKB: z
      .number({ message: "Enter the size in KB" })
      .int("Size is a whole number of KB")
      .min(0, "Size cannot be negative"),
    installerEngine: InstallerEngineSchema,
    installCommand: command("install command"),
    rollbackability: RollbackabilitySchema,
    /** Required when the update is removable; e.g. `%windir%\$NtUninstallKB835732$\spuninst\spuninst.exe /quiet /norestart`. */
    uninstallCommand: command("uninstall command").nullable().optional(),
    detectionRule: DetectionRuleSchema,
    requiresRestart: RestartRequirementSchema,
    /** KB numbers this update replaces (order-sensitive rollback planning). */
    supersedes: z.array(KbNumberSchema).default([]),
    /** Files the update replaces; updates touching the same files must be removed in reverse order. */
    touchesFiles: z.array(z.string().trim().min(1).max(260)).default([]),
    /** The bulletin's removal section. */
    rollbackNotes: z.string().max(4000).nullable().optional(),
  })
  .superRefine((u, ctx) => {
    if (isRemovable(u.rollbackability) && !u.uninstallCommand) {
      ctx.addIssue({
        code: "custom",
        path: ["uninstallCommand"],
        message: "Enter the uninstall command: the update is marked as removable",
      });
    }
    if (u.rollbackability === "NOT_REMOVABLE" && u.uninstallCommand) {
      ctx.addIssue({
        code: "custom",
        path: ["uninstallCommand"],
        message: "An update that cannot be removed has no uninstall command",
      });
    }
    if (u.rollbackability === "REMOVABLE_ORDER_SENSITIVE" && u.touchesFiles.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["touchesFiles"],
        message: "List the files the update replaces: the safe removal order depends on them",
      });
    }
    if (u.classification === "SECURITY_UPDATE") {
      if (u.bulletinId === null) {
        ctx.addIssue({
          code: "custom",
          path: ["bulletinId"],
          message: "A security update comes with a security bulletin, e.g. MS04-011",
        });
      }
      if (u.vendorSeverity === "NONE") {
        ctx.addIssue({
          code: "custom",
          path: ["vendorSeverity"],
          message: "A security update carries a severity rating from its bulletin",
        });
      }
    }
    if (u.supersedes.includes(u.kbNumber)) {
      ctx.addIssue({ code: "custom", path: ["supersedes"], message: "An update cannot supersede itself" });
    }
  });
export type SoftwareUpdate = z.infer<typeof SoftwareUpdateSchema>;

/**
 * Things worth a second look that are not errors, e.g. the Critical Update / Critical severity
 * mix-up. The console shows them next to the form; the API returns them with the record.
 */
export function softwareUpdateWarnings(
  u: Pick<SoftwareUpdate, "classification" | "vendorSeverity" | "rollbackability" | "installerEngine">,
): string[] {
  const out: string[] = [];
  if (u.classification === "CRITICAL_UPDATE" && u.vendorSeverity !== "NONE") {
    out.push(
      `"Critical Update" is a non-security classification; a ${vendorSeverityLabels[u.vendorSeverity]} rating normally belongs to a Security Update. Check that the two were not confused.`,
    );
  }
  if (u.rollbackability === "UNKNOWN") {
    out.push(
      "Removability is not known: read the bulletin's removal section before deploying, so a rollback can be planned.",
    );
  }
  if (u.installerEngine === "MSI_PATCH" && isRemovable(u.rollbackability)) {
    out.push("Windows Installer patches can only be removed on machines with Windows Installer 3.0 or later.");
  }
  return out;
}
