import { can, type Permission, type Role } from "@firebreak/domain";

export interface NavItem {
  label: string;
  to: string;
  permission: Permission;
  /** What the area holds; used on the overview page and in "being built" states. */
  description: string;
  /** Areas not built yet show an honest "being built" page instead of placeholder data. */
  built: boolean;
}

/** The console's areas, in navigation order. Visibility comes from the shared permissions table. */
export const NAV_ITEMS: readonly NavItem[] = [
  {
    label: "Triage",
    built: false,
    to: "/triage",
    permission: "readOperations",
    description:
      "New software updates, their vendor severity and the release priority your team sets in Identify and confirms in Evaluate & Plan.",
  },
  {
    label: "Emergencies",
    built: false,
    to: "/emergencies",
    permission: "readOperations",
    description:
      "Declared emergencies and their war rooms: timeline, response team roster, emergency checklist and acceptance testing.",
  },
  {
    label: "Deployments",
    built: false,
    to: "/deployments",
    permission: "readOperations",
    description: "Live coverage per advertisement and update, failures, halts and rollbacks.",
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
    built: false,
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
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

export function navItemFor(to: string): NavItem {
  const item = NAV_ITEMS.find((candidate) => candidate.to === to);
  if (!item) throw new Error(`No navigation item for ${to}`);
  return item;
}
