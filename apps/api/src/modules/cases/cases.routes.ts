import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CaseActionSchema,
  CaseDetailSchema,
  CasePageSchema,
  CreateAcceptanceTestBodySchema,
  FleetRefSchema,
  IdParamsSchema,
  ListCasesQuerySchema,
  OpenCaseBodySchema,
  RecordTestResultBodySchema,
  UuidSchema,
  etagFor,
  processPermissions,
  routeRolesFor,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createCasesService } from "./cases.service.js";

// Every action has its own role rule inside the case machine; the route admits anyone who could
// take at least one action (including authority grantees) and the machine decides.
const ACTION_ROLES = [
  ...new Set([
    ...routeRolesFor("triageUpdates"),
    ...routeRolesFor("confirmEmergencyPriority"),
    ...routeRolesFor("workRelease"),
    ...routeRolesFor("haltRelease"),
    ...routeRolesFor("authoriseRollback"),
    ...routeRolesFor("reviewCase"),
  ]),
];

export const casesRoutes: FastifyPluginAsyncZod = async (app) => {
  const cases = createCasesService(app.prisma);

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["cases"],
      summary: "Update cases for the triage board, with phase, priority and SLA state",
      querystring: ListCasesQuerySchema.extend({ fleet: FleetRefSchema.optional() }),
      response: { 200: CasePageSchema },
    },
    handler: async (req) => cases.list(req.query),
  });

  app.post("/", {
    config: { access: processPermissions.triageUpdates },
    schema: {
      tags: ["cases"],
      summary: "Open a case for a software update (Identify)",
      body: OpenCaseBodySchema,
      response: { 201: CaseDetailSchema },
    },
    handler: async (req, reply) => {
      const c = await cases.open(req.actor(), req.body);
      return reply.status(201).header("etag", etagFor(c.version)).send(c);
    },
  });

  app.get("/:id", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["cases"],
      summary: "A case with its record, tests, timeline, SLA clock and the actions open to you",
      params: IdParamsSchema,
      response: { 200: CaseDetailSchema },
    },
    handler: async (req, reply) => {
      const c = await cases.detail(req.actor(), req.params.id);
      return reply.header("etag", etagFor(c.version)).send(c);
    },
  });

  app.post("/:id/actions", {
    config: { access: ACTION_ROLES },
    schema: {
      tags: ["cases"],
      summary: "Take a case action (gates of the four-phase process); 409 names the unmet gate (If-Match)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: CaseActionSchema,
      response: { 200: CaseDetailSchema },
    },
    handler: async (req, reply) => {
      const c = await cases.act(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(c.version)).send(c);
    },
  });

  app.post("/:id/tests", {
    config: { access: processPermissions.workRelease },
    schema: {
      tags: ["cases"],
      summary: "Add an acceptance test (core functionality or full suite)",
      params: IdParamsSchema,
      body: CreateAcceptanceTestBodySchema,
      response: { 201: CaseDetailSchema },
    },
    handler: async (req, reply) => reply.status(201).send(await cases.addTest(req.actor(), req.params.id, req.body)),
  });

  app.post("/:id/tests/:testId/result", {
    config: { access: processPermissions.workRelease },
    schema: {
      tags: ["cases"],
      summary: "Record an acceptance test result (If-Match with the test's version)",
      params: IdParamsSchema.extend({ testId: UuidSchema }),
      headers: z.object({ "if-match": z.string().optional() }),
      body: RecordTestResultBodySchema,
      response: { 200: CaseDetailSchema },
    },
    handler: async (req) =>
      cases.recordTestResult(
        req.actor(),
        req.params.id,
        req.params.testId,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      ),
  });
};
