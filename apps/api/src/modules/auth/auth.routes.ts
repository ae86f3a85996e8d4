import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, LoginBodySchema, SessionSchema, permissions } from "@firebreak/domain";
import { clearSessionCookie, setSessionCookie } from "../../plugins/auth.js";

export const authRoutes: FastifyPluginAsyncZod<{ cookieSecure: "auto" | "true" | "false" }> = async (app, opts) => {
  app.post("/login", {
    config: { access: "public" },
    schema: {
      tags: ["auth"],
      summary: "Sign in; sets the session cookie",
      body: LoginBodySchema,
      response: { 200: SessionSchema },
    },
    handler: async (request, reply) => {
      const { token, session } = await app.auth.login({
        ...request.body,
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
        requestId: request.id,
      });
      setSessionCookie(reply, request, token, app.auth.absoluteMs, opts.cookieSecure);
      return session;
    },
  });

  app.post("/logout", {
    config: { access: permissions.readOwnSession },
    schema: { tags: ["auth"], summary: "Sign out; revokes this session", response: { 204: z.null() } },
    handler: async (request, reply) => {
      if (!request.session) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      await app.auth.logout(request.session, request.actor());
      clearSessionCookie(reply, request, opts.cookieSecure);
      return reply.status(204).send(null);
    },
  });

  app.get("/session", {
    config: { access: permissions.readOwnSession },
    schema: { tags: ["auth"], summary: "The signed-in user and the CSRF token", response: { 200: SessionSchema } },
    handler: async (request) => {
      if (!request.session) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      return app.auth.toSession(request.session);
    },
  });
};
