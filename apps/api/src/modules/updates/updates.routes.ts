import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateSoftwareUpdateBodySchema,
  IdParamsSchema,
  SoftwareUpdateListSchema,
  SoftwareUpdateRecordSchema,
  processPermissions,
} from "@firebreak/domain";
import { createUpdatesService } from "./updates.service.js";

export const updatesRoutes: FastifyPluginAsyncZod = async (app) => {
  const updates = createUpdatesService(app.prisma);

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["updates"],
      summary: "Software updates known to Firebreak",
      response: { 200: SoftwareUpdateListSchema },
    },
    handler: async () => ({ items: await updates.list() }),
  });

  app.get("/:id", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["updates"],
      summary: "One software update",
      params: IdParamsSchema,
      response: { 200: SoftwareUpdateRecordSchema },
    },
    handler: async (req) => updates.get(req.params.id),
  });

  app.post("/", {
    config: { access: processPermissions.triageUpdates },
    schema: {
      tags: ["updates"],
      summary: "Record a new software update (Identify: discovery)",
      body: CreateSoftwareUpdateBodySchema,
      response: { 201: SoftwareUpdateRecordSchema },
    },
    handler: async (req, reply) => reply.status(201).send(await updates.create(req.actor(), req.body)),
  });
};
