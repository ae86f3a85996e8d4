import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AppError,
  ComplianceBatchSchema,
  DpStatusBatchSchema,
  FleetParamsSchema,
  IngestResultSchema,
  IngestTokenBodySchema,
  IngestTokenCreatedSchema,
  StatusBatchSchema,
  permissions,
} from "@firebreak/domain";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { createIngestService } from "./ingest.service.js";

const INGEST_BODY_LIMIT = 16 * 1024 * 1024;

export const ingestTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const ingest = createIngestService(app.prisma);
  app.post("/:fleet/ingest-tokens", {
    config: { access: permissions.manageIngestTokens },
    schema: {
      tags: ["ingest"],
      summary: "Make an ingest token for a status forwarder (shown once)",
      params: FleetParamsSchema,
      body: IngestTokenBodySchema,
      response: { 201: IngestTokenCreatedSchema },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await ingest.createToken(req.actor(), await resolveFleet(app.prisma, req.params.fleet), req.body)),
  });
};

export const ingestRoutes: FastifyPluginAsyncZod = async (app) => {
  const ingest = createIngestService(app.prisma, app.tableStats);
  const principal = (req: FastifyRequest) => {
    if (!req.ingest)
      throw new AppError("UNAUTHENTICATED", "Send a valid ingest token as Authorization: Bearer <token>.");
    return req.ingest;
  };

  app.post("/status-messages", {
    config: { access: "ingest" },
    bodyLimit: INGEST_BODY_LIMIT,
    schema: {
      tags: ["ingest"],
      summary:
        "A batch of SMS advertisement status messages (10002, 10005, 10008/10009, 10006/10007…): all or nothing, idempotent by batchId",
      body: StatusBatchSchema,
      response: { 200: IngestResultSchema },
    },
    // Storing the batch also wakes live monitors and evaluates automatic halt rules (ingest.service).
    handler: async (req) => ingest.ingestStatus(principal(req), req.id, req.body),
  });

  app.post("/dp-status", {
    config: { access: "ingest" },
    bodyLimit: INGEST_BODY_LIMIT,
    schema: {
      tags: ["ingest"],
      summary: "A batch of distribution-point package status changes: all or nothing, idempotent by batchId",
      body: DpStatusBatchSchema,
      response: { 200: IngestResultSchema },
    },
    handler: async (req) => ingest.ingestDpStatus(principal(req), req.id, req.body),
  });

  app.post("/compliance", {
    config: { access: "ingest" },
    bodyLimit: INGEST_BODY_LIMIT,
    schema: {
      tags: ["ingest"],
      summary: "A batch of update-compliance rows: all or nothing, idempotent by batchId",
      body: ComplianceBatchSchema,
      response: { 200: IngestResultSchema },
    },
    handler: async (req) => ingest.ingestCompliance(principal(req), req.id, req.body),
  });
};
