import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { HealthSchema, type Health } from "@firebreak/domain";
import { healthRepository } from "./health.repository.js";

const startedAt = Date.now();

export const healthRoutes: FastifyPluginAsyncZod<{ version: string }> = async (app, opts) => {
  app.get("/", {
    config: { access: "public" },
    schema: {
      tags: ["health"],
      summary: "Liveness, database reachability and the applied migration",
      response: { 200: HealthSchema, 503: HealthSchema },
    },
    handler: async (request, reply) => {
      let reachable = true;
      let latestMigration: string | null = null;
      try {
        latestMigration = await healthRepository.latestMigration(app.prisma);
      } catch (err) {
        request.log.warn({ err }, "health: database unreachable");
        reachable = false;
      }
      const body: Health = {
        status: reachable ? "ok" : "degraded",
        database: { kind: app.database.embedded ? "pglite" : "postgres", reachable, latestMigration },
        version: opts.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
      return reply.status(reachable ? 200 : 503).send(body);
    },
  });
};
