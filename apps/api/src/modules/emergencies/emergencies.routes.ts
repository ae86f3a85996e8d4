import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AddTimelineNoteBodySchema,
  ApplyEmergencyChecklistBodySchema,
  AuthorityGrantRecordSchema,
  ChecklistApplyResultSchema,
  ChecklistPreviewSchema,
  ChecklistPreviewQuerySchema,
  CloseEmergencyBodySchema,
  DeclareEmergencyRequestSchema,
  EmergencyListSchema,
  EmergencyRecordSchema,
  GrantAuthorityBodySchema,
  GrantParamsSchema,
  IdParamsSchema,
  LinkEmergencyCaseBodySchema,
  ListEmergenciesQuerySchema,
  RevokeAuthorityBodySchema,
  WarRoomSchema,
  etagFor,
  processPermissions,
  routeRolesFor,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createEmergenciesService } from "./emergencies.service.js";
import { createEmergencyChecklistService } from "./emergency-checklist.service.js";

// Routes guarded by an authority permission admit the grantee roles too (routeRolesFor); the
// service then checks the grant and marks what was done only thanks to it.
export const emergenciesRoutes: FastifyPluginAsyncZod = async (app) => {
  const emergencies = createEmergenciesService(app.prisma);
  const checklist = createEmergencyChecklistService(app.prisma);

  app.post("/", {
    config: { access: routeRolesFor("declareEmergency") },
    schema: {
      tags: ["emergencies"],
      summary: "Declare an emergency for one or more cases (ERT lead, or an active authority grant)",
      body: DeclareEmergencyRequestSchema,
      response: { 201: EmergencyRecordSchema },
    },
    handler: async (req, reply) => {
      const e = await emergencies.declare(req.actor(), req.body);
      return reply.status(201).header("etag", etagFor(e.version)).send(e);
    },
  });

  app.get("/", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["emergencies"],
      summary: "Emergencies of a fleet, newest first",
      querystring: ListEmergenciesQuerySchema,
      response: { 200: EmergencyListSchema },
    },
    handler: async (req) => emergencies.list(req.query),
  });

  app.get("/:id", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["emergencies"],
      summary:
        "The war room: cases with SLA clocks, roster and authority, grants, timeline, checklist runs, task counts",
      params: IdParamsSchema,
      response: { 200: WarRoomSchema },
    },
    handler: async (req, reply) => {
      const w = await emergencies.warRoom(req.actor(), req.params.id);
      return reply.header("etag", etagFor(w.emergency.version)).send(w);
    },
  });

  app.post("/:id/activate", {
    config: { access: routeRolesFor("closeEmergency") },
    schema: {
      tags: ["emergencies"],
      summary: "Mark the emergency response as under way (If-Match)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      response: { 200: EmergencyRecordSchema },
    },
    handler: async (req, reply) => {
      const e = await emergencies.activate(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]));
      return reply.header("etag", etagFor(e.version)).send(e);
    },
  });

  app.post("/:id/close", {
    config: { access: routeRolesFor("closeEmergency") },
    schema: {
      tags: ["emergencies"],
      summary: "Close the emergency; 409 while a relaxed sender address is not restored (If-Match)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: CloseEmergencyBodySchema,
      response: { 200: EmergencyRecordSchema },
    },
    handler: async (req, reply) => {
      const e = await emergencies.close(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(e.version)).send(e);
    },
  });

  app.post("/:id/cases", {
    config: { access: routeRolesFor("declareEmergency") },
    schema: {
      tags: ["emergencies"],
      summary:
        "Link a case of the emergency's own fleet to the open emergency (ERT lead, or an authority grant in it); a case already in it is left as it is",
      params: IdParamsSchema,
      body: LinkEmergencyCaseBodySchema,
      response: { 200: EmergencyRecordSchema },
    },
    handler: async (req, reply) => {
      const e = await emergencies.linkCase(req.actor(), req.params.id, req.body);
      return reply.header("etag", etagFor(e.version)).send(e);
    },
  });

  app.post("/:id/notes", {
    config: { access: processPermissions.addTimelineNote },
    schema: {
      tags: ["emergencies"],
      summary: "Add a note to the war-room timeline",
      params: IdParamsSchema,
      body: AddTimelineNoteBodySchema,
      response: { 201: WarRoomSchema },
    },
    handler: async (req, reply) => {
      const w = await emergencies.addNote(req.actor(), req.params.id, req.body);
      return reply.status(201).header("etag", etagFor(w.emergency.version)).send(w);
    },
  });

  app.post("/:id/grants", {
    config: { access: processPermissions.grantAuthority },
    schema: {
      tags: ["emergencies"],
      summary: "Grant time-boxed emergency authority (at most 72 hours) to an ERT member or SMS administrator",
      params: IdParamsSchema,
      body: GrantAuthorityBodySchema,
      response: { 201: AuthorityGrantRecordSchema },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await emergencies.grant(req.actor(), req.params.id, req.body)),
  });

  app.post("/:id/grants/:grantId/revoke", {
    config: { access: processPermissions.grantAuthority },
    schema: {
      tags: ["emergencies"],
      summary: "Revoke an emergency-authority grant before it expires",
      params: GrantParamsSchema,
      body: RevokeAuthorityBodySchema,
      response: { 200: AuthorityGrantRecordSchema },
    },
    handler: async (req) => emergencies.revoke(req.actor(), req.params.id, req.params.grantId, req.body),
  });

  app.get("/:id/checklist", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["emergencies"],
      summary: "Preview the emergency checklist of a case's release: every change and task, and what is left to apply",
      params: IdParamsSchema,
      querystring: ChecklistPreviewQuerySchema,
      response: { 200: ChecklistPreviewSchema },
    },
    handler: async (req, reply) => {
      const p = await checklist.preview(req.params.id, req.query);
      return reply.header("etag", etagFor(p.emergencyVersion)).send(p);
    },
  });

  app.post("/:id/checklist/apply", {
    config: { access: routeRolesFor("applyChecklist") },
    schema: {
      tags: ["emergencies"],
      summary: "Apply the checklist's items not declined, in one audited step (If-Match: the emergency's version)",
      params: IdParamsSchema,
      headers: IfMatchHeadersSchema,
      body: ApplyEmergencyChecklistBodySchema,
      response: { 200: ChecklistApplyResultSchema },
    },
    handler: async (req, reply) => {
      const r = await checklist.apply(req.actor(), req.params.id, requireIfMatch(req.headers["if-match"]), req.body);
      return reply.header("etag", etagFor(r.emergencyVersion)).send(r);
    },
  });
};
