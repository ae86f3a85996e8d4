import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  IdParamsSchema,
  ListOobTasksRequestSchema,
  OobTaskPageSchema,
  OobTaskRecordSchema,
  UpdateOobTaskBodySchema,
  etagFor,
  processPermissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createOobService } from "./oob.service.js";

export const oobRoutes: FastifyPluginAsyncZod = async (app) => {
  const oob = createOobService(app.prisma);

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["out-of-band tasks"],
      summary: "The out-of-band board: tasks by emergency, case, state (comma-separated), kind, or your own",
      querystring: ListOobTasksRequestSchema,
      response: { 200: OobTaskPageSchema },
    },
    handler: async (req) => oob.list(req.actor(), req.query),
  });

  app.get("/:id", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["out-of-band tasks"],
      summary: "One out-of-band task with its owner, method, due time, state and evidence",
      params: IdParamsSchema,
      response: { 200: OobTaskRecordSchema },
    },
    handler: async (req, reply) => {
      const t = await oob.get(req.params.id);
      return reply.header("etag", etagFor(t.version)).send(t);
    },
  });

  app.patch("/:id", {
    config: { access: processPermissions.workOobTasks },
    schema: {
      tags: ["out-of-band tasks"],
      summary: "Assign, change the method, or move the task's state; Done needs evidence (If-Match)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateOobTaskBodySchema,
      response: { 200: OobTaskRecordSchema },
    },
    handler: async (req, reply) => {
      const t = await oob.update(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(t.version)).send(t);
    },
  });
};
