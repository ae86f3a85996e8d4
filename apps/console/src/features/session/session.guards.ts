import { can, type Permission, type Session } from "@firebreak/domain";
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

/** Loader guard: as requireSession, and a 403 response when the role may not use the route. */
export async function requirePermission(
  queryClient: QueryClient,
  request: Request,
  permission: Permission,
): Promise<Session> {
  const session = await requireSession(queryClient, request);
  if (!can(session.user.role, permission)) {
    throw data({ permission }, { status: 403, statusText: "Forbidden" });
  }
  return session;
}
