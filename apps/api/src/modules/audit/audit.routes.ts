import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AuditFacetsSchema,
  AuditPageSchema,
  AuditVerificationSchema,
  ListAuditQuerySchema,
  permissions,
} from "@firebreak/domain";
import { createAuditService } from "./audit.service.js";

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const audit = createAuditService(app.prisma);

  app.get("/", {
    config: { access: permissions.readAudit },
    schema: {
      tags: ["audit"],
      summary: "Audit log, newest first, filtered and paged",
      querystring: ListAuditQuerySchema,
      response: { 200: AuditPageSchema },
    },
    handler: async (request) => audit.list(request.query),
  });

  app.get("/facets", {
    config: { access: permissions.readAudit },
    schema: {
      tags: ["audit"],
      summary: "Distinct actions, entity types and actors for the filters",
      response: { 200: AuditFacetsSchema },
    },
    handler: async () => audit.facets(),
  });

  app.get("/verify", {
    config: { access: permissions.verifyAudit },
    schema: {
      tags: ["audit"],
      summary: "Re-check the hash chain; reports the first broken link",
      response: { 200: AuditVerificationSchema },
    },
    handler: async () => audit.verify(),
  });
};
