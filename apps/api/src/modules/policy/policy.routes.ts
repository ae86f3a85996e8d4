import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  PriorityPolicyRecordSchema,
  UpdatePriorityPolicyBodySchema,
  etagFor,
  processPermissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createPolicyService } from "./policy.service.js";

export const policyRoutes: FastifyPluginAsyncZod = async (app) => {
  const policy = createPolicyService(app.prisma);

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["policy"],
      summary: "Release priorities and their time frames (target and maximum)",
      response: { 200: PriorityPolicyRecordSchema },
    },
    handler: async (_req, reply) => {
      const p = await policy.get();
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });

  app.put("/", {
    config: { access: processPermissions.editPriorityPolicy },
    schema: {
      tags: ["policy"],
      summary: "Change the release-priority time frames (If-Match)",
      headers: IfMatchHeadersSchema,
      body: UpdatePriorityPolicyBodySchema,
      response: { 200: PriorityPolicyRecordSchema },
    },
    handler: async (req, reply) => {
      const p = await policy.update(req.actor(), requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });
};
