import {
  canProcess,
  processPermissions,
  roleLabels,
  routeRolesFor,
  type ProcessPermission,
  type Role,
} from "@firebreak/domain";
import { useSignedInSession } from "../session/use-session";

const listRoles = (roles: readonly Role[]): string => {
  const labels = roles.map((r) => roleLabels[r]);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
};

/**
 * Why a role may not do something, in the API's words ("… needs the ERT lead role; your role is
 * Observer / auditor."). Authority permissions mention the grant a member can receive.
 */
export function permissionReason(what: string, role: Role, permission: ProcessPermission): string {
  const roles = processPermissions[permission] as readonly Role[];
  const grantable = routeRolesFor(permission).length > roles.length;
  const grant = grantable ? ", or an active emergency-authority grant" : "";
  return `${what} needs the ${listRoles(roles)} role${grant}; your role is ${roleLabels[role]}.`;
}

export interface ProcessAccess {
  userId: string;
  role: Role;
  /** The role has the permission outright. */
  can: (permission: ProcessPermission) => boolean;
  /** The role has it, or could have it through an emergency-authority grant (the API decides). */
  mayTry: (permission: ProcessPermission) => boolean;
  reason: (what: string, permission: ProcessPermission) => string;
}

/** The signed-in user's process permissions, for showing, disabling or explaining action buttons. */
export function useProcessAccess(): ProcessAccess {
  const { user } = useSignedInSession();
  return {
    userId: user.id,
    role: user.role,
    can: (permission) => canProcess(user.role, permission),
    mayTry: (permission) => routeRolesFor(permission).includes(user.role),
    reason: (what, permission) => permissionReason(what, user.role, permission),
  };
}
