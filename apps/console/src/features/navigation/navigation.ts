import type { Role } from "@firebreak/domain";
import { canAccess, type AccessPermission } from "../session/session.guards";

export interface NavItem {
  label: string;
  to: string;
  permission: AccessPermission;
  /** What the area holds; used on the overview page and in "being built" states. */
  description: string;
  /** Areas not built yet show an honest "being built" page instead of placeholder data. */
  built: boolean;
}

/** The console's areas, in navigation order. Visibility comes from the shared permissions table. */
export const NAV_ITEMS: readonly NavItem[] = [
  {
    label: "Triage",
    built: true,
    to: "/triage",
    permission: "readProcess",
    description:
      "New software updates, their vendor severity and the release priority your team sets in Identify and confirms in Evaluate & Plan.",
  },
  {
    label: "Emergencies",
    built: true,
    to: "/emergencies",
    permission: "readProcess",
    description:
      "Declared emergencies and their war rooms: timeline, response team roster, emergency checklist and acceptance testing.",
  },
  {
    label: "Out-of-band tasks",
    built: true,
    to: "/tasks",
    permission: "readProcess",
    description:
      "Machines, sites and sender addresses the normal path cannot reach in time: owner, method, due time and evidence.",
  },
  {
    label: "Deployments",
    built: true,
    to: "/deployments",
    permission: "readProcess",
    description: "Live coverage per advertisement: compliance, the coverage curve, sites and link classes, failures.",
  },
  {
    label: "Rollbacks",
    built: true,
    to: "/rollbacks",
    permission: "readProcess",
    description:
      "Updates being removed: feasibility, halting the deployments, package clean-up, the rollback package, targeting and verification.",
  },
  {
    label: "Sites & senders",
    built: true,
    to: "/sites",
    permission: "readOperations",
    description:
      "The SMS site hierarchy and site systems, sender addresses with their schedules and rate limits, packages, programs, advertisements, collections and computers.",
  },
  {
    label: "Drills",
    built: true,
    to: "/drills",
    permission: "readOperations",
    description: "Fire drills against a sandbox fleet, their timed reports, findings and sign-off.",
  },
  {
    label: "Audit",
    built: true,
    to: "/audit",
    permission: "readAudit",
    description: "The append-only, tamper-evident record of every change: who, when, before and after.",
  },
  {
    label: "Admin",
    built: true,
    to: "/admin/users",
    permission: "manageUsers",
    description: "User accounts and their roles.",
  },
];

/** The navigation a role sees: only the areas it may use. */
export function navItemsFor(role: Role | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => canAccess(role, item.permission));
}

export function navItemFor(to: string): NavItem {
  const item = NAV_ITEMS.find((candidate) => candidate.to === to);
  if (!item) throw new Error(`No navigation item for ${to}`);
  return item;
}
