import {
  can,
  canProcess,
  permissions,
  type Permission,
  type ProcessPermission,
  type Role,
  type Session,
} from "@firebreak/domain";
import type { QueryClient } from "@tanstack/react-query";
import { data, redirect } from "react-router";
import { sessionQueries } from "./session.queries";

/** Where to come back to after signing in: only same-site paths, never another origin. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/login" || next.startsWith("/login?")) return "/";
  return next;
}

export function loginPathFor(url: URL): string {
  const next = `${url.pathname}${url.search}`;
  return next === "/" ? "/login" : `/login?${new URLSearchParams({ next }).toString()}`;
}

/** Loader guard: the session, or a redirect to /login?next=… when GET /api/auth/session is 401. */
export async function requireSession(queryClient: QueryClient, request: Request): Promise<Session> {
  const session = await queryClient.ensureQueryData(sessionQueries.current());
  if (!session) throw redirect(loginPathFor(new URL(request.url)));
  return session;
}

/** A console permission (auth/roles.ts) or a process permission (process/permissions.ts). */
export type AccessPermission = Permission | ProcessPermission;

const isConsolePermission = (permission: AccessPermission): permission is Permission => permission in permissions;

/**
 * Whether a role may use something, from the one shared table it belongs to. Process permissions
 * that an emergency-authority grant adds are answered for the role alone: the API checks grants.
 */
export function canAccess(role: Role | null | undefined, permission: AccessPermission): boolean {
  return isConsolePermission(permission) ? can(role, permission) : canProcess(role, permission);
}

/** Loader guard: as requireSession, and a 403 response when the role may not use the route. */
export async function requirePermission(
  queryClient: QueryClient,
  request: Request,
  permission: AccessPermission,
): Promise<Session> {
  const session = await requireSession(queryClient, request);
  if (!canAccess(session.user.role, permission)) {
    throw data({ permission }, { status: 403, statusText: "Forbidden" });
  }
  return session;
}
