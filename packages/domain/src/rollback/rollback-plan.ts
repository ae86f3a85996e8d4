import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import type { ComplianceState } from "../sms/enums.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { AdvertFlags, DEFAULT_REMOTE_CLIENT_FLAGS, ProgramFlags, RemoteClientFlags } from "../sms/flags.js";
import { programFlagConflicts } from "../sms/program.js";
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy, type ReleasePriority } from "../process/priority.js";
import { RollbackabilitySchema, rollbackabilityLabels, type SoftwareUpdate } from "../process/updates.js";
import { ALTERNATIVE_RECOVERIES, AlternativeRecoverySchema, type RollbackTargeting } from "./rollback-states.js";

/**
 * The pure planning rules of a rollback (domain.md §3.4, §6; §8.4 rules 6–7):
 *
 * - `assessRollback`: can the update be removed, and which later updates must go first;
 * - `packageCleanupPlan`: what happens to each package that carries the update (R2);
 * - `rollbackPrograms`: the rollback programs built from the uninstall command (R4);
 * - `rollbackAdvertisementFlags`: the advertisement's flag words for the rollback's priority;
 * - `rollbackTargetingCounts` / `appliedResourceIds`: options A and B (R5);
 * - `rollbackVerification`: which targeted computers still have the update.
 */

// --- feasibility and the removal order ----------------------------------------------------------

export const ROLLBACK_VERDICTS = ["FEASIBLE", "ORDER_SENSITIVE", "UNKNOWN", "NOT_FEASIBLE"] as const;
export const RollbackVerdictSchema = z.enum(ROLLBACK_VERDICTS);
export type RollbackVerdict = z.infer<typeof RollbackVerdictSchema>;

export const rollbackVerdictLabels: Record<RollbackVerdict, string> = {
  FEASIBLE: "Can be rolled back",
  ORDER_SENSITIVE: "Can be rolled back in reverse installation order",
  UNKNOWN: "Removability not known",
  NOT_FEASIBLE: "Cannot be rolled back",
};

export const OrderedUpdateSchema = z.object({
  kbNumber: z.string(),
  title: z.string(),
  releasedAt: TimestampSchema,
  rollbackability: RollbackabilitySchema,
  /** Files this update and the rolled-back one both replace. */
  sharedFiles: z.array(z.string()),
  /** Why it is in the plan, in words. */
  reasons: z.array(z.string()),
  /** Computers of the fleet with compliance evidence of both updates; `null` when not known. */
  installedOn: z.number().int().nullable().default(null),
});
export type OrderedUpdate = z.infer<typeof OrderedUpdateSchema>;

export const RollbackAssessmentSchema = z.object({
  verdict: RollbackVerdictSchema,
  /** False only when removal is impossible; UNKNOWN is feasible until someone finds otherwise. */
  feasible: z.boolean(),
  reason: z.string(),
  /** Ways to recover when the update cannot be removed (domain.md §6.3); empty otherwise. */
  alternatives: z.array(AlternativeRecoverySchema),
  /** Later updates touching the same files, installed next to it: remove these first, newest first. */
  removeFirst: z.array(OrderedUpdateSchema),
  /** The same updates, to re-deploy after the rollback, oldest first. */
  redeployAfter: z.array(OrderedUpdateSchema),
  warnings: z.array(z.string()),
});
export type RollbackAssessment = z.infer<typeof RollbackAssessmentSchema>;

export type CatalogUpdate = Pick<
  SoftwareUpdate,
  "kbNumber" | "title" | "releasedAt" | "rollbackability" | "touchesFiles" | "supersedes" | "products"
>;
export type AssessedUpdate = CatalogUpdate & Pick<SoftwareUpdate, "uninstallCommand" | "rollbackNotes">;

const normFile = (f: string) => f.trim().toLowerCase().replace(/\//g, "\\");
const normProduct = (p: string) => p.trim().toLowerCase();

/** An update without products listed might apply anywhere: it counts as sharing one. */
function sharesProduct(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const mine = new Set(a.map(normProduct));
  return b.some((p) => mine.has(normProduct(p)));
}

/**
 * Later updates of the same product that share files with `update` or supersede it, newest first
 * (domain.md §6.2): the candidates for "remove first". The API counts, for each of them, the
 * computers that have both installed (`assessRollback`'s `coInstalled`).
 */
export function laterOverlappingUpdates(update: CatalogUpdate, catalog: readonly CatalogUpdate[]): OrderedUpdate[] {
  const mine = new Map(update.touchesFiles.map((f) => [normFile(f), f]));
  const releasedAt = Date.parse(update.releasedAt);
  const out: OrderedUpdate[] = [];
  for (const other of catalog) {
    if (other.kbNumber === update.kbNumber) continue;
    const supersedesIt = other.supersedes.includes(update.kbNumber);
    const isLater = Date.parse(other.releasedAt) > releasedAt;
    // An update this one supersedes is older by definition: it is not removed first.
    if (update.supersedes.includes(other.kbNumber)) continue;
    if (!isLater && !supersedesIt) continue;
    // Updates of other products never sit on the same computer's files.
    if (!sharesProduct(update.products, other.products)) continue;
    const shared = other.touchesFiles.filter((f) => mine.has(normFile(f))).map((f) => mine.get(normFile(f)) ?? f);
    if (shared.length === 0 && !supersedesIt) continue;
    const reasons: string[] = [];
    if (shared.length > 0)
      reasons.push(`Replaces the same ${shared.length === 1 ? "file" : "files"}: ${shared.join(", ")}.`);
    if (supersedesIt) reasons.push(`Supersedes ${update.kbNumber}.`);
    out.push({
      kbNumber: other.kbNumber,
      title: other.title,
      releasedAt: other.releasedAt,
      rollbackability: other.rollbackability,
      sharedFiles: [...new Set(shared)].sort(),
      reasons,
      installedOn: null,
    });
  }
  return out.sort((a, b) => Date.parse(b.releasedAt) - Date.parse(a.releasedAt) || (a.kbNumber < b.kbNumber ? -1 : 1));
}

const NOT_REMOVABLE_REASON =
  "The update cannot be removed: its bulletin says so, or its removal data is gone. Recover the affected computers another way.";

export interface AssessmentEvidence {
  /**
   * For each later overlapping update (by KB number): computers of the fleet whose compliance
   * shows both it and the rolled-back update applied. An update missing here or at 0 is on none
   * of them, so it need not be removed first. Omitted = not known: every candidate counts.
   */
  coInstalled?: ReadonlyMap<string, number>;
}

/**
 * Feasibility of removing `update` (domain.md §6.2–6.4; §8.4 rule 6). NOT_REMOVABLE stops the
 * rollback with the alternatives; REMOVABLE_ORDER_SENSITIVE lists the later updates (release
 * order, shared files or supersedence, same product, and — with `evidence` — installed on
 * computers that have this update) that must be removed first and re-deployed after; it is not
 * feasible either when one of those cannot be removed. A catalog update that is on none of the
 * computers never blocks the rollback.
 */
export function assessRollback(
  update: AssessedUpdate,
  catalog: readonly CatalogUpdate[],
  evidence: AssessmentEvidence = {},
): RollbackAssessment {
  const candidates = laterOverlappingUpdates(update, catalog);
  const warnings: string[] = [];
  const co = evidence.coInstalled;
  const later: OrderedUpdate[] = [];
  const setAside: string[] = [];
  for (const u of candidates) {
    if (!co) later.push(u);
    else {
      const n = co.get(u.kbNumber) ?? 0;
      if (n > 0) later.push({ ...u, installedOn: n });
      else setAside.push(u.kbNumber);
    }
  }
  if (setAside.length > 0)
    warnings.push(
      `${setAside.join(", ")} ${setAside.length === 1 ? "replaces" : "replace"} the same files but no computer that has ${update.kbNumber} ${setAside.length === 1 ? "has it" : "has them"} installed: not part of the removal order.`,
    );
  const base = { removeFirst: [] as OrderedUpdate[], redeployAfter: [] as OrderedUpdate[], warnings };
  const stop = (reason: string): RollbackAssessment => ({
    ...base,
    verdict: "NOT_FEASIBLE",
    feasible: false,
    reason,
    alternatives: [...ALTERNATIVE_RECOVERIES],
    removeFirst: later,
    redeployAfter: [...later].reverse(),
  });
  const on = (u: OrderedUpdate) =>
    u.installedOn === null ? "" : ` (on ${u.installedOn} ${u.installedOn === 1 ? "computer" : "computers"})`;

  switch (update.rollbackability) {
    case "NOT_REMOVABLE":
      return stop(
        update.rollbackNotes ? `${NOT_REMOVABLE_REASON} Bulletin: ${update.rollbackNotes}` : NOT_REMOVABLE_REASON,
      );
    case "REMOVABLE_ORDER_SENSITIVE": {
      const blocked = later.filter((u) => u.rollbackability === "NOT_REMOVABLE");
      if (blocked.length > 0) {
        return stop(
          `${update.kbNumber} can only be removed after ${blocked.map((u) => `${u.kbNumber}${on(u)}`).join(", ")}, which cannot be removed. Recover the affected computers another way.`,
        );
      }
      for (const u of later.filter((x) => x.rollbackability === "UNKNOWN"))
        warnings.push(
          `Whether ${u.kbNumber} can be removed is not known: check its bulletin before removing it first.`,
        );
      return {
        ...base,
        verdict: "ORDER_SENSITIVE",
        feasible: true,
        reason:
          later.length === 0
            ? `${rollbackabilityLabels.REMOVABLE_ORDER_SENSITIVE}. No later update installed next to it replaces the same files.`
            : `${rollbackabilityLabels.REMOVABLE_ORDER_SENSITIVE}: remove ${later.map((u) => `${u.kbNumber}${on(u)}`).join(", ")} first (newest first), then re-deploy ${later.length === 1 ? "it" : "them"} after the rollback.`,
        alternatives: [],
        removeFirst: later,
        redeployAfter: [...later].reverse(),
      };
    }
    case "UNKNOWN":
      warnings.push(
        update.uninstallCommand
          ? "Removability is not known: read the bulletin's removal section before the rollback package is built."
          : "Removability is not known and no uninstall command is recorded: the rollback package cannot be built until the removal section of the bulletin is checked.",
      );
      break;
    case "REMOVABLE":
      break;
  }
  for (const u of later) {
    warnings.push(
      `${u.kbNumber} (released later) also replaces ${u.sharedFiles.join(", ") || "files of this update"}: the bulletin says removal is safe in any order, but check before removing.`,
    );
  }
  const verdict: RollbackVerdict = update.rollbackability === "UNKNOWN" ? "UNKNOWN" : "FEASIBLE";
  return {
    ...base,
    verdict,
    feasible: true,
    reason:
      verdict === "UNKNOWN"
        ? rollbackabilityLabels.UNKNOWN
        : `${rollbackabilityLabels.REMOVABLE}: the uninstall command removes it.`,
    alternatives: [],
  };
}

// --- package clean-up (R2) ----------------------------------------------------------------------

export const CLEANUP_ACTIONS = ["REMOVE_UPDATE", "DELETE_ADVERTISEMENT_AND_PACKAGE"] as const;
export const CleanupActionSchema = z.enum(CLEANUP_ACTIONS);
export type CleanupAction = z.infer<typeof CleanupActionSchema>;

export const cleanupActionLabels: Record<CleanupAction, string> = {
  REMOVE_UPDATE: "Remove the update from the package (new source version)",
  DELETE_ADVERTISEMENT_AND_PACKAGE: "Delete the advertisement and the package",
};

export const CLEANUP_BRANCHES = [
  "REMOVE_FROM_PACKAGE",
  "DELETE_ADVERTISEMENT_AND_PACKAGE",
  "MIXED",
  "NOTHING",
] as const;
export const CleanupBranchSchema = z.enum(CLEANUP_BRANCHES);
export type CleanupBranch = z.infer<typeof CleanupBranchSchema>;

export const cleanupBranchLabels: Record<CleanupBranch, string> = {
  REMOVE_FROM_PACKAGE: "Remove the update from its package",
  DELETE_ADVERTISEMENT_AND_PACKAGE: "Delete the advertisement and the package",
  MIXED: "Remove from some packages, delete others",
  NOTHING: "Nothing to clean up",
};

export const CleanupItemSchema = z.object({
  packageId: z.string(),
  packageName: z.string(),
  action: CleanupActionSchema,
  updateIdsBefore: z.array(z.string()),
  updateIdsAfter: z.array(z.string()),
  sourceVersionBefore: z.number().int(),
  /** `null` when the package is deleted. */
  sourceVersionAfter: z.number().int().nullable(),
  /** Advertisements of the package (kept, or deleted with it). */
  advertisementIds: z.array(z.string()),
  explanation: z.string(),
});
export type CleanupItem = z.infer<typeof CleanupItemSchema>;

export const PackageCleanupPlanSchema = z.object({
  kbNumber: z.string(),
  branch: CleanupBranchSchema,
  items: z.array(CleanupItemSchema),
  /** Sent back by the clean-up action: a different value means the packages changed (409). */
  fingerprint: z.string(),
  summary: z.string(),
});
export type PackageCleanupPlan = z.infer<typeof PackageCleanupPlanSchema>;

export interface CleanupPackageInput {
  packageId: string;
  name: string;
  /** Row version: any change to the package changes the fingerprint. */
  version: number;
  sourceVersion: number;
  kind: "DEPLOY" | "ROLLBACK";
  updateIds: readonly string[];
  deleted?: boolean;
  advertisements: readonly { advertisementId: string; state: string }[];
}

/** FNV-1a, 32 bits, twice with different offsets: a short, stable digest of a canonical string. */
function digest(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

const sameKb = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * What happens to every live deployment package that carries the update (domain.md §3.4 R2): a
 * package holding other updates loses this one and gets a new source version (what re-running
 * the Distribute Software Updates Wizard did); a package holding only this update is deleted with
 * its advertisements. Rollback packages are never touched.
 */
export function packageCleanupPlan(packages: readonly CleanupPackageInput[], kbNumber: string): PackageCleanupPlan {
  const items: CleanupItem[] = [];
  const canonical: string[] = [];
  const carrying = packages
    .filter((p) => !p.deleted && p.kind === "DEPLOY" && p.updateIds.some((u) => sameKb(u, kbNumber)))
    .sort((a, b) => (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : 0));
  for (const p of carrying) {
    const after = p.updateIds.filter((u) => !sameKb(u, kbNumber));
    const ads = p.advertisements
      .filter((a) => a.state !== "DELETED")
      .map((a) => a.advertisementId)
      .sort();
    const remove = after.length > 0;
    items.push({
      packageId: p.packageId,
      packageName: p.name,
      action: remove ? "REMOVE_UPDATE" : "DELETE_ADVERTISEMENT_AND_PACKAGE",
      updateIdsBefore: [...p.updateIds],
      updateIdsAfter: after,
      sourceVersionBefore: p.sourceVersion,
      sourceVersionAfter: remove ? p.sourceVersion + 1 : null,
      advertisementIds: ads,
      explanation: remove
        ? `${p.packageId} also carries ${after.join(", ")}: ${kbNumber} is removed from it and the package gets source version ${p.sourceVersion + 1}; ${ads.length === 0 ? "it has no advertisement" : `${ads.length === 1 ? "its advertisement" : "its advertisements"} ${ads.join(", ")} ${ads.length === 1 ? "stays" : "stay"}`}.`
        : `${kbNumber} is the only update in ${p.packageId}: ${ads.length === 0 ? "the package is deleted (it has no advertisement)" : `${ads.length === 1 ? "the advertisement" : "the advertisements"} ${ads.join(", ")} and the package are deleted`}.`,
    });
    canonical.push(
      `${p.packageId}|v${p.version}|s${p.sourceVersion}|${[...p.updateIds].sort().join(",")}|${p.advertisements
        .map((a) => `${a.advertisementId}:${a.state}`)
        .sort()
        .join(",")}`,
    );
  }
  const removes = items.filter((i) => i.action === "REMOVE_UPDATE").length;
  const deletes = items.length - removes;
  const branch: CleanupBranch =
    items.length === 0
      ? "NOTHING"
      : deletes === 0
        ? "REMOVE_FROM_PACKAGE"
        : removes === 0
          ? "DELETE_ADVERTISEMENT_AND_PACKAGE"
          : "MIXED";
  const summary =
    branch === "NOTHING"
      ? `No deployment package carries ${kbNumber}: there is nothing to clean up.`
      : items.map((i) => i.explanation).join(" ");
  return { kbNumber, branch, items, fingerprint: `cp-${digest(`${kbNumber}#${canonical.join(";")}`)}`, summary };
}

// --- rollback programs (R4, R5) -------------------------------------------------------------------

/** SMS limits `CommandLine` to 255 characters (ProgramSchema). */
export const MAX_COMMAND_LINE = 255;
export const ROLLBACK_MAX_RUN_MINUTES = 60;

export const RollbackProgramSpecSchema = z.object({
  programName: z.string(),
  commandLine: z.string(),
  comment: z.string(),
  programFlags: z.number().int(),
  maxRunMinutes: z.number().int(),
  kind: z.literal("ROLLBACK"),
  /** Option A's program checks the update is present first (§8.4 rule 7). */
  checksUpdatePresent: z.boolean(),
});
export type RollbackProgramSpec = z.infer<typeof RollbackProgramSpecSchema>;

export const RollbackProgramsSchema = z.object({
  /** Option A: runs the uninstall only where the detection rule finds the update; `null` = option A is unavailable. */
  checkFirst: RollbackProgramSpecSchema.nullable(),
  /** Option B: the uninstall command as it is. */
  plain: RollbackProgramSpecSchema.nullable(),
  /** Why the rollback package cannot be built at all; empty = it can. */
  issues: z.array(z.string()),
  /** Why option A's check-first program cannot be built (option B is still built); empty = it can. */
  checkFirstIssues: z.array(z.string()).default([]),
  warnings: z.array(z.string()),
});
export type RollbackPrograms = z.infer<typeof RollbackProgramsSchema>;

/** Unattended, with administrative rights, whether or not a user is logged on, hidden; SMS restarts the computer when the update needs it. */
export function rollbackProgramFlags(requiresRestart: SoftwareUpdate["requiresRestart"]): number {
  return ProgramFlags.fromNames([
    "UNATTENDED",
    "ADMINRIGHTS",
    "HIDEWINDOW",
    "USEUNCPATH",
    ...(requiresRestart === "NO" ? [] : (["OKTOREBOOT"] as const)),
  ]);
}

/** Registry roots the rollback program (run as SYSTEM) reads as the machine sees them. */
const MACHINE_ROOTS = ["HKLM", "HKEY_LOCAL_MACHINE"];

/** The detection key as `reg query` needs it: trimmed, without trailing backslashes (`"…\"` escapes the closing quote). */
export function detectionKeyForQuery(registryKey: string): string {
  return registryKey.trim().replace(/\\+$/, "");
}

/**
 * Why the check-first program cannot test the detection rule reliably; empty = it can. Each of
 * these would make `reg query` fail on every computer — and a failed query means "absent", exit
 * 0, reported as success while nothing was removed:
 * - a key under HKCU / HKU (or any root but HKLM): the program runs as SYSTEM, which never sees
 *   a user's hive;
 * - a double quote: it cannot be quoted on the command line;
 * - a `%`: `cmd /c` expands `%name%` in the command line, and doubling it (`%%`) only escapes it
 *   in batch files, not on a command line — the key would be queried with the wrong name.
 */
export function checkFirstProblems(detection: SoftwareUpdate["detectionRule"]): string[] {
  const problems: string[] = [];
  const key = detectionKeyForQuery(detection.registryKey);
  const root = key.split("\\")[0]!.toUpperCase();
  if (!key.includes("\\") || key.length <= root.length + 1) {
    problems.push(`The detection rule's registry key "${detection.registryKey}" names no key under a root.`);
  } else if (!MACHINE_ROOTS.includes(root)) {
    problems.push(
      `The detection rule's registry key is under ${root}: the rollback program runs as SYSTEM and never sees a user's hive there, so the check would find nothing and remove nothing. Record the HKLM key, or use option B.`,
    );
  }
  if (/"/.test(detection.registryKey) || /"/.test(detection.valueName ?? "")) {
    problems.push(
      "The detection rule's registry key or value contains a double quote; the check-first program cannot quote it.",
    );
  }
  if (/%/.test(detection.registryKey) || /%/.test(detection.valueName ?? "")) {
    problems.push(
      "The detection rule's registry key or value contains %: cmd would expand it on the program's command line and query another key. Put the check in a batch file in the rollback package's source, or use option B.",
    );
  }
  return problems;
}

/**
 * The check-first command (option A). `reg query` succeeds when the key (and value) exists. The
 * group exits 0 when the update is absent; otherwise the uninstall runs and its own exit code is
 * the program's, so a failed removal is reported as a failure (the simpler
 * `reg query … && <uninstall> || exit 0` would turn a failed uninstall into success). Only for a
 * detection rule without `checkFirstProblems`.
 */
export function checkFirstCommandLine(detection: SoftwareUpdate["detectionRule"], uninstall: string): string {
  const value = detection.valueName ? ` /v "${detection.valueName}"` : "";
  return `cmd /c (reg query "${detectionKeyForQuery(detection.registryKey)}"${value} >nul 2>&1 || exit 0) && ${uninstall}`;
}

/**
 * The two rollback programs built from the update's uninstall command and detection rule (domain.md
 * §6.4). A problem of the check-first program alone (its detection rule, its length) leaves
 * option A unavailable with the reason and still builds option B's plain uninstall program.
 */
export function rollbackPrograms(
  update: Pick<
    SoftwareUpdate,
    "kbNumber" | "uninstallCommand" | "detectionRule" | "requiresRestart" | "products" | "rollbackability"
  >,
): RollbackPrograms {
  const issues: string[] = [];
  const checkFirstIssues: string[] = [];
  const warnings: string[] = [];
  const uninstall = update.uninstallCommand?.trim() ?? "";
  if (update.rollbackability === "NOT_REMOVABLE") issues.push(`${update.kbNumber} cannot be removed.`);
  if (!uninstall) {
    issues.push(
      `No uninstall command is recorded for ${update.kbNumber}: find it in the bulletin's removal section (e.g. %windir%\\$NtUninstall${update.kbNumber}$\\spuninst\\spuninst.exe /quiet /norestart).`,
    );
    return { checkFirst: null, plain: null, issues, checkFirstIssues, warnings };
  }
  const flags = rollbackProgramFlags(update.requiresRestart);
  const conflicts = programFlagConflicts(flags);
  if (conflicts.length > 0) issues.push(...conflicts);
  if (uninstall.length > MAX_COMMAND_LINE) {
    issues.push(
      `The uninstall command has ${uninstall.length} characters; SMS allows ${MAX_COMMAND_LINE}. Put it in a batch file in the rollback package's source and record that as the uninstall command.`,
    );
  }
  checkFirstIssues.push(...checkFirstProblems(update.detectionRule));
  const checkFirstLine = checkFirstCommandLine(update.detectionRule, uninstall);
  if (checkFirstIssues.length === 0 && checkFirstLine.length > MAX_COMMAND_LINE) {
    checkFirstIssues.push(
      `The check-first command line has ${checkFirstLine.length} characters; SMS allows ${MAX_COMMAND_LINE}. Put the check and the uninstall in a batch file in the rollback package's source, or use option B.`,
    );
  }
  if (checkFirstIssues.length === 0 && update.products.some((p) => /windows 2000/i.test(p))) {
    warnings.push(
      "Windows 2000 has no reg.exe unless the Support Tools are installed: add reg.exe to the rollback package source, or use option B there.",
    );
  }
  if (checkFirstIssues.length === 0 && update.detectionRule.fileVersion) {
    warnings.push(
      "The check-first program tests the registry key only; the detection rule's file version is not checked.",
    );
  }
  if (update.requiresRestart !== "NO") {
    warnings.push(
      checkFirstIssues.length === 0
        ? "SMS restarts each computer after the program succeeds — with option A also computers where the check found nothing to remove."
        : "SMS restarts each computer after the program succeeds.",
    );
  }
  const comment = (what: string) => `Rollback of ${update.kbNumber}: ${what}`.slice(0, 127);
  const spec = (name: string, commandLine: string, checks: boolean, what: string): RollbackProgramSpec => ({
    programName: name,
    commandLine,
    comment: comment(what),
    programFlags: flags,
    maxRunMinutes: ROLLBACK_MAX_RUN_MINUTES,
    kind: "ROLLBACK",
    checksUpdatePresent: checks,
  });
  return {
    checkFirst:
      checkFirstIssues.length === 0
        ? spec(
            `Roll back ${update.kbNumber} (check first)`,
            checkFirstLine,
            true,
            "removes it only where it is present (option A)",
          )
        : null,
    plain: spec(`Roll back ${update.kbNumber}`, uninstall, false, "uninstall (option B)"),
    issues,
    checkFirstIssues,
    warnings,
  };
}

// --- the rollback advertisement ---------------------------------------------------------------------

export interface RollbackAdvertisementFlags {
  advertFlags: number;
  remoteClientFlags: number;
  /** SMS_Advertisement.Priority: 1 High for an Emergency, else 2 Medium. */
  priority: 1 | 2;
}

/**
 * Mandatory as soon as possible, always; an Emergency (or a priority whose policy asks for it)
 * is also mandatory over slow links and lets clients without a local distribution point download
 * from a remote one (domain.md §3.3, §8.4 rule 2).
 */
export function rollbackAdvertisementFlags(
  priority: ReleasePriority,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): RollbackAdvertisementFlags {
  const emergency = priority === "EMERGENCY";
  const slow = emergency || policy[priority].requiresOnSlowNet;
  return {
    advertFlags: AdvertFlags.fromNames(slow ? ["IMMEDIATE", "ONSLOWNET"] : ["IMMEDIATE"]),
    remoteClientFlags: emergency
      ? RemoteClientFlags.fromNames(["DOWNLOAD_FROM_LOCAL_DISPPOINT", "DOWNLOAD_FROM_REMOTE_DISPPOINT"])
      : DEFAULT_REMOTE_CLIENT_FLAGS,
    priority: emergency ? 1 : 2,
  };
}

// --- targeting (R5) ------------------------------------------------------------------------------

/** Compliance states that are evidence a computer applied the update (the restart may be pending). */
export const APPLIED_STATES: readonly ComplianceState[] = ["INSTALLED", "INSTALLED_PENDING_REBOOT"];
export const isAppliedState = (s: string): boolean => (APPLIED_STATES as readonly string[]).includes(s);

/**
 * Compliance states that show the update absent: rolled back, or a scan that finds it still
 * required (not installed) or not applicable. FAILED (an install failed) and UNKNOWN say nothing
 * about whether the update is there.
 */
export const ABSENT_STATES: readonly ComplianceState[] = ["ROLLED_BACK", "REQUIRED", "NOT_APPLICABLE"];
export const isAbsentState = (s: string): boolean => (ABSENT_STATES as readonly string[]).includes(s);

export interface ComplianceEvidence {
  resourceId: number;
  state: ComplianceState | string;
}

/** Option B's members: only computers with evidence that they applied the update (§8.4 rule 7). */
export function appliedResourceIds(compliance: Iterable<ComplianceEvidence>): number[] {
  const out = new Set<number>();
  for (const row of compliance) if (isAppliedState(row.state)) out.add(row.resourceId);
  return [...out].sort((a, b) => a - b);
}

export const RollbackTargetingCountsSchema = z.object({
  sameCollection: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    collectionId: z.string().nullable(),
    includeSubCollection: z.boolean(),
    /** Computers the advertisement reaches. */
    targeted: z.number().int(),
    /** Of those, computers with evidence that they applied the update (the check will find it). */
    withEvidence: z.number().int(),
    /** Computers with evidence that are not in the collection: option A never reaches them. */
    outsideWithEvidence: z.number().int().default(0),
  }),
  appliedOnly: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    /** Computers with evidence: the new collection's members. */
    targeted: z.number().int(),
    installed: z.number().int(),
    pendingReboot: z.number().int(),
  }),
});
export type RollbackTargetingCounts = z.infer<typeof RollbackTargetingCountsSchema>;

/** What the API counts (in SQL) for the two options. */
export interface TargetingFigures {
  /** Computers of the original collection (its sub-collections too when its advertisement included them). */
  members: number;
  /** Of those, computers with evidence that they applied the update. */
  membersWithEvidence: number;
  /** Computers of the fleet with evidence: INSTALLED, and INSTALLED_PENDING_REBOOT. */
  installed: number;
  pendingReboot: number;
  /** Computers with evidence that are not members of the original collection. */
  evidenceOutsideCollection: number;
}

/** The figures from the rows themselves (small fleets and tests; the API counts in SQL). */
export function targetingFiguresOf(
  collectionMemberIds: Iterable<number>,
  compliance: Iterable<ComplianceEvidence>,
): TargetingFigures {
  const members = new Set(collectionMemberIds);
  const state = new Map<number, string>();
  for (const r of compliance) if (isAppliedState(r.state) && !state.has(r.resourceId)) state.set(r.resourceId, r.state);
  let membersWithEvidence = 0;
  for (const id of members) if (state.has(id)) membersWithEvidence++;
  let installed = 0;
  let pendingReboot = 0;
  let evidenceOutsideCollection = 0;
  for (const [id, s] of state) {
    if (s === "INSTALLED") installed++;
    else pendingReboot++;
    if (!members.has(id)) evidenceOutsideCollection++;
  }
  return { members: members.size, membersWithEvidence, installed, pendingReboot, evidenceOutsideCollection };
}

export interface TargetingCountsInput {
  kbNumber: string;
  /** The collection the update was advertised to; `null` when no advertisement is known. */
  original: { collectionId: string; includeSubCollection: boolean } | null;
  figures: TargetingFigures;
  /** Why option A's check-first program cannot be used (its detection rule, its length); `null` = it can. */
  checkFirstUnavailable?: string | null;
}

/** Counts for options A and B, side by side. */
export function rollbackTargetingCounts(input: TargetingCountsInput): RollbackTargetingCounts {
  const f = input.figures;
  const applied = f.installed + f.pendingReboot;
  const aReason = !input.original
    ? `No advertisement of ${input.kbNumber} is known, so there is no collection to reuse: use option B.`
    : input.checkFirstUnavailable
      ? `The check-first program cannot be built: ${input.checkFirstUnavailable}`
      : f.members === 0
        ? `Collection ${input.original.collectionId} has no members.`
        : null;
  return {
    sameCollection: {
      available: aReason === null,
      ...(aReason ? { reason: aReason } : {}),
      collectionId: input.original?.collectionId ?? null,
      includeSubCollection: input.original?.includeSubCollection ?? false,
      targeted: input.original ? f.members : 0,
      withEvidence: input.original ? f.membersWithEvidence : 0,
      outsideWithEvidence: input.original ? f.evidenceOutsideCollection : applied,
    },
    appliedOnly: {
      available: applied > 0,
      ...(applied === 0
        ? {
            reason: `No computer has compliance evidence that it applied ${input.kbNumber}: option B would target nobody.`,
          }
        : {}),
      targeted: applied,
      installed: f.installed,
      pendingReboot: f.pendingReboot,
    },
  };
}

export const targetingCountOf = (counts: RollbackTargetingCounts, t: RollbackTargeting) =>
  t === "SAME_TARGETS_CHECK_FIRST" ? counts.sameCollection : counts.appliedOnly;

// --- verification ---------------------------------------------------------------------------------

/** Hours after advertising before a computer without any status from the rollback counts as unreachable. */
export const DEFAULT_VERIFY_GRACE_HOURS = 24;
export const MAX_VERIFY_GRACE_HOURS = 720;

/**
 * Where each targeted computer stands (decided per computer by `rollbackVerification`):
 * - REMOVED: compliance reported the update absent (rolled back, required, not applicable) since
 *   the rollback was advertised;
 * - NOT_AFFECTED: no evidence of the update before advertising, and none since (option A's check
 *   leaves it alone);
 * - SETTLED_BY_OOB: still shows (or may have) the update, but its out-of-band task is closed;
 * - AWAITING_SCAN: the rollback program succeeded; compliance has not scanned since;
 * - IN_PROGRESS: the rollback is still on its way (no status yet within the grace window, or
 *   accepted, downloading, waiting, running, retrying, waiting for a restart);
 * - FAILED: the program failed (or was rejected, expired, cancelled), or compliance scanned after
 *   a success and still finds the update: an out-of-band task;
 * - UNREACHABLE: no status from the rollback advertisement after the grace window, or not heard
 *   from (status or last seen) for longer than it: an out-of-band task.
 */
export const VERIFY_GROUPS = [
  "REMOVED",
  "NOT_AFFECTED",
  "SETTLED_BY_OOB",
  "AWAITING_SCAN",
  "IN_PROGRESS",
  "FAILED",
  "UNREACHABLE",
] as const;
export type VerifyGroup = (typeof VERIFY_GROUPS)[number];

export const verifyGroupLabels: Record<VerifyGroup, string> = {
  REMOVED: "Removed (compliance)",
  NOT_AFFECTED: "Never had the update",
  SETTLED_BY_OOB: "Settled by out-of-band task",
  AWAITING_SCAN: "Awaiting compliance scan",
  IN_PROGRESS: "Rollback in progress",
  FAILED: "Failed",
  UNREACHABLE: "Unreachable",
};

export const verifyGroupDescriptions: Record<VerifyGroup, string> = {
  REMOVED: "Compliance reported the update gone since the rollback was advertised.",
  NOT_AFFECTED: "No evidence of the update before or since advertising; the check leaves them unchanged.",
  SETTLED_BY_OOB: "Their out-of-band task is done or not needed.",
  AWAITING_SCAN: "The rollback program succeeded; compliance has not scanned them since. No task.",
  IN_PROGRESS:
    "Still downloading, waiting, running or restarting, or not reported yet within the grace window. No task.",
  FAILED:
    "The rollback program failed there, or compliance still finds the update after it succeeded: an out-of-band task each.",
  UNREACHABLE: "No status within the grace window, or off-line for longer than it: an out-of-band task each.",
};

/** Groups that keep the rollback PARTIAL. */
export const REMAINING_GROUPS: readonly VerifyGroup[] = ["AWAITING_SCAN", "IN_PROGRESS", "FAILED", "UNREACHABLE"];
/** Groups that get an out-of-band task (once per computer). */
export const TASK_GROUPS: readonly VerifyGroup[] = ["FAILED", "UNREACHABLE"];

/** One targeted computer as the API reads it (one SQL join over the rollback's target snapshot). */
export interface RollbackTargetRow {
  resourceId: number;
  /** Compliance showed the update applied when the rollback was advertised. */
  hadUpdate: boolean;
  complianceState: string | null;
  complianceTime: TimeInput | null;
  /** Last state of the computer for the rollback advertisement (ClientAdvertStatus). */
  clientState: string | null;
  clientStatusTime: TimeInput | null;
  exitCode: number | null;
  lastSeenAt: TimeInput | null;
  /** The rollback's out-of-band task for the computer, if it has one. */
  taskId: string | null;
  taskState: string | null;
}

export interface VerificationInput {
  kbNumber: string;
  advertisedAt: TimeInput;
  now: TimeInput;
  /** Default DEFAULT_VERIFY_GRACE_HOURS. */
  graceHours?: number;
  rows: Iterable<RollbackTargetRow>;
}

const VerifyGroupCountsSchema = z.object({
  REMOVED: z.number().int(),
  NOT_AFFECTED: z.number().int(),
  SETTLED_BY_OOB: z.number().int(),
  AWAITING_SCAN: z.number().int(),
  IN_PROGRESS: z.number().int(),
  FAILED: z.number().int(),
  UNREACHABLE: z.number().int(),
});
export type VerifyGroupCounts = z.infer<typeof VerifyGroupCountsSchema>;

export const RollbackVerificationFiguresSchema = z.object({
  targeted: z.number().int(),
  groups: VerifyGroupCountsSchema,
  /** Computers still counted as remaining whose compliance reported nothing since the advertisement. */
  neverReported: z.number().int(),
  /** AWAITING_SCAN + IN_PROGRESS + FAILED + UNREACHABLE: they keep the rollback PARTIAL. */
  remaining: z.number().int(),
  /** Failed or unreachable computers without a task yet: verification creates one for each. */
  tasksToCreate: z.number().int(),
  /** Open tasks whose computer compliance now shows clean: verification closes them (not needed). */
  tasksToClose: z.number().int(),
  graceHours: z.number(),
  /** When computers without any status start to count as unreachable. */
  graceEndsAt: TimestampSchema,
});
export type RollbackVerificationFigures = z.infer<typeof RollbackVerificationFiguresSchema>;

export interface RollbackVerificationResult extends RollbackVerificationFigures {
  /** Failed or unreachable computers without a task, with why in words. */
  needTask: { resourceId: number; group: "FAILED" | "UNREACHABLE"; why: string }[];
  /** Not-closed tasks of computers compliance now shows without the update, with the evidence. */
  closeTasks: { taskId: string; resourceId: number; evidence: string }[];
}

const FAILED_CLIENT_STATES = ["FAILED", "REJECTED", "EXPIRED", "CANCELED", "WILL_NOT_RERUN"];
const isTaskClosed = (s: string | null) => s === "DONE" || s === "NOT_NEEDED";
const words = (s: string) => s.toLowerCase().replace(/_/g, " ");
const isoOf = (t: TimeInput) => new Date(toEpochMs(t)).toISOString();

/**
 * Which targeted computers no longer have the update, and what is left (domain.md §3.4; issue #5:
 * "compliance shows the update gone from the targeted computers; computers that could not be
 * reached become out-of-band tasks"). A computer counts as removed only when compliance reported
 * the update absent after the rollback was advertised; one still showing it (or never reported)
 * is classified from its status for the rollback advertisement and when it was last heard from.
 */
export function rollbackVerification(input: VerificationInput): RollbackVerificationResult {
  const advertisedAt = toEpochMs(input.advertisedAt);
  const now = toEpochMs(input.now);
  const graceHours = input.graceHours ?? DEFAULT_VERIFY_GRACE_HOURS;
  const graceMs = graceHours * 3_600_000;
  const graceOver = now >= advertisedAt + graceMs;
  const groups: VerifyGroupCounts = {
    REMOVED: 0,
    NOT_AFFECTED: 0,
    SETTLED_BY_OOB: 0,
    AWAITING_SCAN: 0,
    IN_PROGRESS: 0,
    FAILED: 0,
    UNREACHABLE: 0,
  };
  const needTask: RollbackVerificationResult["needTask"] = [];
  const closeTasks: RollbackVerificationResult["closeTasks"] = [];
  let targeted = 0;
  let neverReported = 0;
  const kb = input.kbNumber;

  for (const row of input.rows) {
    targeted++;
    const state = row.complianceState;
    const compTime = row.complianceTime === null ? null : toEpochMs(row.complianceTime);
    const reportedSince = compTime !== null && compTime >= advertisedAt;
    // Had it when advertised: only a report since counts. Had no evidence of it: a report of it
    // absent says it never had it, unless that report is a rollback since advertising.
    let clean: "REMOVED" | "NOT_AFFECTED" | null = null;
    if (state !== null && isAbsentState(state)) {
      if (row.hadUpdate) clean = reportedSince ? "REMOVED" : null;
      else clean = state === "ROLLED_BACK" && reportedSince ? "REMOVED" : "NOT_AFFECTED";
    }
    if (clean) {
      groups[clean]++;
      if (row.taskId && !isTaskClosed(row.taskState))
        closeTasks.push({
          taskId: row.taskId,
          resourceId: row.resourceId,
          evidence: `Compliance shows ${kb} ${state === "ROLLED_BACK" ? "rolled back" : `absent (${words(state!)})`} since ${isoOf(compTime!)}: closed by the rollback's verification.`,
        });
      continue;
    }
    if (isTaskClosed(row.taskState)) {
      groups.SETTLED_BY_OOB++;
      continue;
    }
    if (!reportedSince) neverReported++;
    const cs = row.clientState;
    const statusTime = row.clientStatusTime === null ? null : toEpochMs(row.clientStatusTime);
    const seen = row.lastSeenAt === null ? null : toEpochMs(row.lastSeenAt);
    const heard = Math.max(statusTime ?? -Infinity, seen ?? -Infinity);
    const offline = Number.isFinite(heard) && heard < now - graceMs;
    let group: VerifyGroup;
    let why = "";
    if (cs === "SUCCEEDED") {
      if (
        state !== null &&
        isAppliedState(state) &&
        compTime !== null &&
        statusTime !== null &&
        compTime > statusTime
      ) {
        group = "FAILED";
        why = `the rollback program reported success, but compliance scanned since (${isoOf(compTime)}) still shows ${kb}`;
      } else group = "AWAITING_SCAN";
    } else if (cs !== null && FAILED_CLIENT_STATES.includes(cs)) {
      group = "FAILED";
      why = `the rollback advertisement reports ${words(cs)}${row.exitCode !== null ? ` (exit code ${row.exitCode})` : ""}`;
    } else if (cs === null || cs === "NO_STATUS") {
      if (graceOver || offline) {
        group = "UNREACHABLE";
        why = offline
          ? `no status from the rollback advertisement, and the computer was last heard from ${isoOf(heard)}`
          : `no status from the rollback advertisement within ${graceHours} hours of advertising`;
      } else group = "IN_PROGRESS";
    } else if (offline) {
      group = "UNREACHABLE";
      why = `the rollback advertisement last reported ${words(cs)} and the computer was last heard from ${isoOf(heard)}`;
    } else group = "IN_PROGRESS";
    groups[group]++;
    if ((group === "FAILED" || group === "UNREACHABLE") && row.taskId === null)
      needTask.push({ resourceId: row.resourceId, group, why });
  }
  needTask.sort((a, b) => a.resourceId - b.resourceId);
  closeTasks.sort((a, b) => a.resourceId - b.resourceId);
  const remaining = REMAINING_GROUPS.reduce((n, g) => n + groups[g], 0);
  return {
    targeted,
    groups,
    neverReported,
    remaining,
    tasksToCreate: needTask.length,
    tasksToClose: closeTasks.length,
    graceHours,
    graceEndsAt: new Date(advertisedAt + graceMs).toISOString(),
    needTask,
    closeTasks,
  };
}
