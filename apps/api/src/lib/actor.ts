import type { Role } from "@firebreak/domain";

/** Who is acting, for authorization and the audit log. Built from the request by the auth plugin. */
export interface Actor {
  userId: string | null;
  username: string;
  role: Role | null;
  requestId: string;
  /** Set when the action is taken under a time-boxed emergency-authority grant. */
  authorityGrantId?: string | null;
}

export const systemActor = (requestId: string, username = "system"): Actor => ({
  userId: null,
  username,
  role: null,
  requestId,
});
