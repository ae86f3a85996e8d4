import fp from "fastify-plugin";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, ApiErrorSchema, CSRF_HEADER, SESSION_COOKIE, type Role } from "@firebreak/domain";
import type { Actor } from "../lib/actor.js";
import { createAuthService, hashToken, type AuthService, type ResolvedSession } from "../modules/auth/auth.service.js";
import { ingestTokenRepository } from "../modules/ingest/ingest.repository.js";

/**
 * Who may call a route, declared next to the route:
 * - "public": anyone (login, health, docs);
 * - a list of roles: a signed-in user with one of them.
 * A route that declares nothing is closed to everyone (default deny).
 */
export type RouteAccess = "public" | "ingest" | readonly Role[];

/** A forwarder authenticated by its ingest token (Authorization: Bearer …), not a user session. */
export interface IngestPrincipal {
  tokenId: string;
  name: string;
  fleetId: string;
  siteCodes: string[];
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
    ingest: IngestPrincipal | null;
    /** The signed-in actor; throws 401 when there is none. */
    actor(): Actor;
  }
  interface FastifyInstance {
    auth: AuthService;
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ERROR_STATUSES = ["400", "401", "403", "404", "409", "412", "428", "429", "500"] as const;

export function accessOf(request: FastifyRequest): RouteAccess {
  return request.routeOptions.config.access ?? [];
}

export const authPlugin = fp(
  async (
    app: FastifyInstance,
    opts: { idleMinutes: number; absoluteHours: number; cookieSecure: "auto" | "true" | "false" },
  ) => {
    const auth = createAuthService(app.prisma, opts);
    app.decorate("auth", auth);
    app.decorateRequest("session", null);
    app.decorateRequest("ingest", null);
    app.decorateRequest("actor", function (this: FastifyRequest): Actor {
      if (!this.session) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      const { user } = this.session;
      return { userId: user.id, username: user.username, role: user.role, requestId: this.id };
    });

    // Document every API route's access rule and error responses in OpenAPI.
    app.addHook("onRoute", (route) => {
      if (!route.url.startsWith("/api/") || route.url.startsWith("/api/docs")) return;
      const access: RouteAccess = route.config?.access ?? [];
      route.schema ??= {};
      const schema = route.schema as Record<string, unknown> & { response?: Record<string, unknown> };
      schema.response ??= {};
      for (const status of ERROR_STATUSES) schema.response[status] ??= ApiErrorSchema;
      if (access === "ingest") {
        schema.security = [{ ingestToken: [] }];
        schema["x-roles"] = ["ingest token"];
      } else if (access !== "public") {
        schema.security = [{ sessionCookie: [] }];
        schema["x-roles"] = [...access];
        const roles = access.length ? access.join(", ") : "nobody (no access declared)";
        schema.description = `${(schema.description as string | undefined) ?? ""}\n\nAllowed roles: ${roles}.`.trim();
      } else {
        schema.security = [];
      }
    });

    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      // Only API routes are guarded; the console's static files are public. Decide on the route
      // the router matched, never on the raw URL: "/%61pi/users" and absolute-form request lines
      // reach /api routes too.
      const route = request.routeOptions.url;
      if (!route || !(route === "/api" || route.startsWith("/api/"))) return;
      // The interactive API docs are meant to be public (OpenAPI itself is declared public on its route).
      if (route.startsWith("/api/docs")) return;
      const access = accessOf(request);
      if (access === "public") return;
      if (access === "ingest") {
        const header = request.headers.authorization;
        const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : null;
        request.ingest = token ? await resolveIngestToken(app, token) : null;
        if (!request.ingest)
          throw new AppError("UNAUTHENTICATED", "Send a valid ingest token as Authorization: Bearer <token>.");
        return;
      }
      // The session is looked up only where it is needed: not for the console's files, public routes
      // or forwarders, so a static asset never costs a database round trip.
      const sessionToken = request.cookies[SESSION_COOKIE];
      if (sessionToken) {
        request.session = await auth.resolve(sessionToken);
        if (!request.session) clearSessionCookie(reply, request, opts.cookieSecure);
      }
      if (!request.session) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      if (!access.includes(request.session.user.role)) {
        throw new AppError("FORBIDDEN", `Your role (${request.session.user.role}) may not do this.`);
      }
      if (UNSAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== request.session.csrfToken) {
        throw new AppError("CSRF_FAILED", `Missing or wrong ${CSRF_HEADER} header. Reload the page and try again.`);
      }
    });
  },
  { name: "auth", dependencies: ["db"] },
);

async function resolveIngestToken(app: FastifyInstance, token: string): Promise<IngestPrincipal | null> {
  const row = await ingestTokenRepository.findActiveByHash(app.prisma, hashToken(token));
  return row ? { tokenId: row.id, name: row.name, fleetId: row.fleetId, siteCodes: row.siteCodes } : null;
}

function secureFor(request: FastifyRequest, setting: "auto" | "true" | "false"): boolean {
  return setting === "true" || (setting === "auto" && request.protocol === "https");
}

export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  token: string,
  maxAgeMs: number,
  setting: "auto" | "true" | "false",
) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureFor(request, setting),
    path: "/",
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, setting: "auto" | "true" | "false") {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureFor(request, setting),
    path: "/",
  });
}
