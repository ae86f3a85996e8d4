import { z } from "zod";

/** Console roles (domain.md §2.7). */
export const ROLES = ["ADMIN", "ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN", "MANAGER", "OBSERVER"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const roleLabels: Record<Role, string> = {
  ADMIN: "Administrator",
  ERT_LEAD: "ERT lead",
  ERT_MEMBER: "ERT member / patch team",
  SMS_ADMIN: "SMS administrator",
  MANAGER: "Manager",
  OBSERVER: "Observer / auditor",
};

export const roleDescriptions: Record<Role, string> = {
  ADMIN: "Manages user accounts and roles.",
  ERT_LEAD:
    "Core emergency response team with authority: declares and closes emergencies, confirms Emergency priority, authorises halt and rollback, accepts reduced testing.",
  ERT_MEMBER:
    "Patch management team: triages updates, raises RFCs and proposes priority, works the war room and out-of-band tasks.",
  SMS_ADMIN: "Owns sites, senders and addresses, packages, programs, collections and advertisements.",
  MANAGER: "Reads drill reports and emergency reviews, signs them off, compares drills over time.",
  OBSERVER: "Read-only; sees the audit trail.",
};

/** Demo account name per role (the seed creates one each, password `firebreak-demo`). */
export const demoUsernames: Record<Role, string> = {
  ADMIN: "admin",
  ERT_LEAD: "ert-lead",
  ERT_MEMBER: "ert-member",
  SMS_ADMIN: "sms-admin",
  MANAGER: "manager",
  OBSERVER: "observer",
};
export const DEMO_PASSWORD = "firebreak-demo";

const ALL: readonly Role[] = ROLES;
const STAFF: readonly Role[] = ["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN", "MANAGER", "OBSERVER"];

/**
 * Who may do what. The API declares each route's roles from this table and the console uses
 * the same table to build its navigation, so the two cannot disagree.
 */
export const permissions = {
  readOwnSession: ALL,
  manageUsers: ["ADMIN"],
  readAudit: ["ADMIN", "ERT_LEAD", "MANAGER", "OBSERVER"],
  verifyAudit: ["ADMIN", "ERT_LEAD", "MANAGER", "OBSERVER"],
  readOperations: STAFF,
  readFleet: STAFF,
  /** Sites, sender addresses, packages, programs, collections, advertisements, fleet import. */
  editDistribution: ["SMS_ADMIN"],
  manageIngestTokens: ["SMS_ADMIN"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export const can = (role: Role | undefined | null, permission: Permission): boolean =>
  !!role && (permissions[permission] as readonly Role[]).includes(role);
