import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  IdParamsSchema,
  ListRollbacksQuerySchema,
  OpenRollbackBodySchema,
  PackageCleanupPlanSchema,
  RollbackActionSchema,
  RollbackDetailQuerySchema,
  RollbackDetailSchema,
  RollbackPageSchema,
  RollbackVerificationPreviewQuerySchema,
  RollbackVerificationPreviewSchema,
  etagFor,
  processPermissions,
  routeRolesFor,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createRollbacksService } from "./rollbacks.service.js";

// Every action has its own role rule inside the rollback machine; the route admits anyone who
// could take at least one action (including authority grantees) and the machine decides.
const ACTION_ROLES = [
  ...new Set([
    ...routeRolesFor("confirmPriority"),
    ...routeRolesFor("confirmEmergencyPriority"),
    ...routeRolesFor("haltRelease"),
    ...routeRolesFor("authoriseRollback"),
    ...routeRolesFor("workRelease"),
    ...routeRolesFor("changeDistributionForRollback"),
    ...routeRolesFor("acceptReducedTesting"),
    ...routeRolesFor("completeRollback"),
    ...routeRolesFor("reviewCase"),
  ]),
];

export const rollbacksRoutes: FastifyPluginAsyncZod = async (app) => {
  const rollbacks = createRollbacksService(app.prisma);

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["rollbacks"],
      summary: "Rollbacks of a fleet (`?fleet=production` by default), newest first, with status, priority and SLA",
      querystring: ListRollbacksQuerySchema,
      response: { 200: RollbackPageSchema },
    },
    handler: async (req) => rollbacks.list(req.query),
  });

  app.post("/", {
    config: { access: routeRolesFor("workRelease") },
    schema: {
      tags: ["rollbacks"],
      summary:
        "Request the rollback of an update, with the reason and its own initial priority; an update that cannot be removed is NOT_FEASIBLE at once",
      body: OpenRollbackBodySchema,
      response: { 201: RollbackDetailSchema },
    },
    handler: async (req, reply) => {
      const r = await rollbacks.open(req.actor(), req.body);
      return reply.status(201).header("etag", etagFor(r.version)).send(r);
    },
  });

  app.get("/:id", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["rollbacks"],
      summary:
        "A rollback with its record, feasibility, halt and clean-up previews, rollback programs, targeting counts for A and B, SLA, timeline and the actions open to you",
      params: IdParamsSchema,
      querystring: RollbackDetailQuerySchema,
      response: { 200: RollbackDetailSchema },
    },
    handler: async (req, reply) => {
      const r = await rollbacks.detail(req.actor(), req.params.id, undefined, req.query.fleet);
      return reply.header("etag", etagFor(r.version)).send(r);
    },
  });

  app.get("/:id/verification", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["rollbacks"],
      summary:
        "What verification would find now, without acting: targeted computers removed, never affected, settled by a task, awaiting a compliance scan, in progress, failed, unreachable (409 before it is advertised)",
      params: IdParamsSchema,
      querystring: RollbackVerificationPreviewQuerySchema,
      response: { 200: RollbackVerificationPreviewSchema },
    },
    handler: async (req) => rollbacks.verificationPreview(req.params.id, req.query),
  });

  app.get("/:id/cleanup-preview", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["rollbacks"],
      summary:
        "What the package clean-up would do now: remove the update from packages that carry others, or delete the advertisement and the package; send its fingerprint with cleanPackages",
      params: IdParamsSchema,
      querystring: RollbackDetailQuerySchema,
      response: { 200: PackageCleanupPlanSchema },
    },
    handler: async (req) => rollbacks.cleanupPreview(req.params.id, req.query.fleet),
  });

  app.post("/:id/actions", {
    config: { access: ACTION_ROLES },
    schema: {
      tags: ["rollbacks"],
      summary:
        "Take a rollback action (halt, authorise, clean up, build, test, accept, advertise, verify, review, close); 409 names the unmet condition (If-Match)",
      params: IdParamsSchema,
      querystring: RollbackDetailQuerySchema,
      headers: IfMatchHeadersSchema,
      body: RollbackActionSchema,
      response: { 200: RollbackDetailSchema },
    },
    handler: async (req, reply) => {
      const r = await rollbacks.act(
        req.actor(),
        req.params.id,
        requireIfMatch(req.headers["if-match"]),
        req.body,
        req.query.fleet,
      );
      return reply.header("etag", etagFor(r.version)).send(r);
    },
  });
};
