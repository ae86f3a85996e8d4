import type { Role } from "../auth/roles.js";

/**
 * Who may do what in the process (domain.md §2.7; product.md §2), in the style of
 * `permissions` in auth/roles.ts, to be merged there by the lead.
 *
 * Emergency authority = the ERT_LEAD role, or an active emergency-authority grant (authority.ts)
 * held by a grantee role. A route guarded by an authority permission admits the roles of
 * `routeRolesFor(permission)`; the service then checks the grant with `isGrantActive`.
 */

const TRIAGE: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER"];
const RELEASE_WORK: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN"];
const STAFF: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN", "MANAGER", "OBSERVER"];
const LEAD: readonly Role[] = ["ERT_LEAD"];

export const processPermissions = {
  readProcess: STAFF,
  /** Record updates, relevance, source verification, submit RFCs, start evaluation, defer/reopen. */
  triageUpdates: TRIAGE,
  /** Confirm or change a priority; an Emergency additionally needs authority (`confirmEmergencyPriority`). */
  confirmPriority: TRIAGE,
  confirmEmergencyPriority: LEAD,
  /** Plan, build, start testing, record test results, start deployment, mark deployed. */
  workRelease: RELEASE_WORK,
  acceptReducedTesting: LEAD,
  haltRelease: ["ERT_LEAD", "SMS_ADMIN"],
  /** Resume a halted deployment, start a rollback. */
  authoriseRollback: LEAD,
  /**
   * A rollback's changes to SMS distribution objects (package clean-up, the rollback package and
   * programs, its collection and advertisement): package and advertisement edits are the SMS
   * administrator's (`editDistribution`), plus the ERT lead and emergency-authority holders.
   */
  changeDistributionForRollback: ["ERT_LEAD", "SMS_ADMIN"],
  completeRollback: ["ERT_LEAD", "SMS_ADMIN"],
  reviewCase: TRIAGE,
  editPriorityPolicy: LEAD,
  declareEmergency: LEAD,
  closeEmergency: LEAD,
  grantAuthority: LEAD,
  /** Apply the emergency checklist (it changes SMS settings). */
  applyChecklist: ["ERT_LEAD", "SMS_ADMIN"],
  workOobTasks: RELEASE_WORK,
  /** Run a what-if forecast of an advertisement (issue #7); reading one is `readFleet`. */
  runForecast: RELEASE_WORK,
  /** Apply a forecast's variant: it changes the advertisement, sender addresses and Courier delivery. */
  applyForecast: ["ERT_LEAD", "SMS_ADMIN"],
  addTimelineNote: RELEASE_WORK,
  /**
   * Plan fire drills and run the ones they do not take part in (drills/drill-machine.ts): the ERT
   * lead or a manager. A drill's own umpire runs it whatever their role.
   */
  runDrills: ["ERT_LEAD", "MANAGER"],
} as const satisfies Record<string, readonly Role[]>;
export type ProcessPermission = keyof typeof processPermissions;

/** Permissions an active emergency-authority grant adds to its holder. */
export const AUTHORITY_PERMISSIONS: readonly ProcessPermission[] = [
  "confirmEmergencyPriority",
  "acceptReducedTesting",
  "haltRelease",
  "authoriseRollback",
  "changeDistributionForRollback",
  "declareEmergency",
  "closeEmergency",
  "applyChecklist",
];

/** Roles that may receive a grant: core ERT members who are not the lead. */
export const AUTHORITY_GRANTEE_ROLES: readonly Role[] = ["ERT_MEMBER", "SMS_ADMIN"];

export function canProcess(
  role: Role | null | undefined,
  permission: ProcessPermission,
  hasActiveGrant = false,
): boolean {
  if (!role) return false;
  if ((processPermissions[permission] as readonly Role[]).includes(role)) return true;
  return hasActiveGrant && AUTHORITY_GRANTEE_ROLES.includes(role) && AUTHORITY_PERMISSIONS.includes(permission);
}

/** Roles a route must admit before the service checks a grant. */
export function routeRolesFor(permission: ProcessPermission): Role[] {
  const base = [...(processPermissions[permission] as readonly Role[])];
  if (AUTHORITY_PERMISSIONS.includes(permission))
    for (const r of AUTHORITY_GRANTEE_ROLES) if (!base.includes(r)) base.push(r);
  return base;
}

/** ERT lead, or a grantee role holding an active grant. */
export const hasEmergencyAuthority = (role: Role | null | undefined, hasActiveGrant: boolean): boolean =>
  role === "ERT_LEAD" || (!!role && hasActiveGrant && AUTHORITY_GRANTEE_ROLES.includes(role));
