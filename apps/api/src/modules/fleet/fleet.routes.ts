import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BoundaryListSchema,
  CollectionListSchema,
  CollectionParamsSchema,
  CollectionRecordSchema,
  ComplianceSummarySchema,
  ComputerPageSchema,
  CreateSiteBodySchema,
  FleetImportResultSchema,
  FleetImportSchema,
  FleetParamsSchema,
  ListComputersQuerySchema,
  SenderAddressListSchema,
  SenderAddressParamsSchema,
  SenderAddressRecordSchema,
  SiteListSchema,
  SiteParamsSchema,
  SiteRecordSchema,
  SiteSystemListSchema,
  UpdateSenderAddressBodySchema,
  UpdateSiteBodySchema,
  etagFor,
  permissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { createFleetService } from "./fleet.service.js";
import { resolveFleet } from "./fleet-scope.js";

export const IfMatchHeadersSchema = z.object({
  "if-match": z.string().optional().describe('The ETag you read, e.g. W/"3"'),
});

export const fleetRoutes: FastifyPluginAsyncZod = async (app) => {
  const fleet = createFleetService(app.prisma, app.tableStats);
  const read = { access: permissions.readFleet };
  const edit = { access: permissions.editDistribution };
  const scope = (ref: string) => resolveFleet(app.prisma, ref);

  app.get("/:fleet/sites", {
    config: read,
    schema: {
      tags: ["sites"],
      summary: "Sites of the hierarchy with their computer counts",
      params: FleetParamsSchema,
      response: { 200: SiteListSchema },
    },
    handler: async (req) => ({ items: await fleet.listSites(await scope(req.params.fleet)) }),
  });

  app.post("/:fleet/sites", {
    config: edit,
    schema: {
      tags: ["sites"],
      summary: "Add a site to the hierarchy",
      params: FleetParamsSchema,
      body: CreateSiteBodySchema,
      response: { 201: SiteRecordSchema },
    },
    handler: async (req, reply) => {
      const site = await fleet.createSite(req.actor(), await scope(req.params.fleet), req.body);
      return reply.status(201).header("etag", etagFor(site.version)).send(site);
    },
  });

  app.patch("/:fleet/sites/:siteCode", {
    config: edit,
    schema: {
      tags: ["sites"],
      summary: "Rename a site or change its time zone (If-Match)",
      params: SiteParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateSiteBodySchema,
      response: { 200: SiteRecordSchema },
    },
    handler: async (req, reply) => {
      const site = await fleet.updateSite(
        req.actor(),
        await scope(req.params.fleet),
        req.params.siteCode,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(site.version)).send(site);
    },
  });

  app.get("/:fleet/site-systems", {
    config: read,
    schema: {
      tags: ["sites"],
      summary: "Site systems with their roles and the derived patch-infrastructure flag",
      params: FleetParamsSchema,
      response: { 200: SiteSystemListSchema },
    },
    handler: async (req) => ({ items: await fleet.listSiteSystems(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/boundaries", {
    config: read,
    schema: {
      tags: ["sites"],
      summary: "Roaming boundaries (local fast / remote slow)",
      params: FleetParamsSchema,
      response: { 200: BoundaryListSchema },
    },
    handler: async (req) => ({ items: await fleet.listBoundaries(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/sender-addresses", {
    config: read,
    schema: {
      tags: ["senders"],
      summary: "Sender addresses between sites",
      params: FleetParamsSchema,
      response: { 200: SenderAddressListSchema },
    },
    handler: async (req) => ({ items: await fleet.listSenderAddresses(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/sender-addresses/:addressId", {
    config: read,
    schema: {
      tags: ["senders"],
      summary: "One sender address (with its ETag)",
      params: SenderAddressParamsSchema,
      response: { 200: SenderAddressRecordSchema },
    },
    handler: async (req, reply) => {
      const a = await fleet.getSenderAddress(await scope(req.params.fleet), req.params.addressId);
      return reply.header("etag", etagFor(a.version)).send(a);
    },
  });

  app.patch("/:fleet/sender-addresses/:addressId", {
    config: edit,
    schema: {
      tags: ["senders"],
      summary: "Change an address's availability schedule, rate limits or priority (If-Match)",
      params: SenderAddressParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateSenderAddressBodySchema,
      response: { 200: SenderAddressRecordSchema },
    },
    handler: async (req, reply) => {
      const a = await fleet.updateSenderAddress(
        req.actor(),
        await scope(req.params.fleet),
        req.params.addressId,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(a.version)).send(a);
    },
  });

  app.get("/:fleet/computers", {
    config: read,
    schema: {
      tags: ["computers"],
      summary: "Computers: server-side paging, sorting and filtering",
      params: FleetParamsSchema,
      querystring: ListComputersQuerySchema,
      response: { 200: ComputerPageSchema },
    },
    handler: async (req) => fleet.pageComputers(await scope(req.params.fleet), req.query),
  });

  app.get("/:fleet/compliance", {
    config: read,
    schema: {
      tags: ["compliance"],
      summary: "Update compliance roll-up: computers per state for each update",
      params: FleetParamsSchema,
      response: { 200: ComplianceSummarySchema },
    },
    handler: async (req) => fleet.complianceSummary(await scope(req.params.fleet)),
  });

  app.get("/:fleet/collections", {
    config: read,
    schema: {
      tags: ["collections"],
      summary: "Collections with their member counts",
      params: FleetParamsSchema,
      response: { 200: CollectionListSchema },
    },
    handler: async (req) => ({ items: await fleet.listCollections(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/collections/:collectionId", {
    config: read,
    schema: {
      tags: ["collections"],
      summary: "One collection",
      params: CollectionParamsSchema,
      response: { 200: CollectionRecordSchema },
    },
    handler: async (req) => fleet.getCollection(await scope(req.params.fleet), req.params.collectionId),
  });

  app.post("/:fleet/import", {
    config: edit,
    bodyLimit: 32 * 1024 * 1024,
    schema: {
      tags: ["fleet"],
      summary:
        "Bulk, idempotent upsert of sites, site systems, boundaries, sender addresses, computers and collections",
      params: FleetParamsSchema,
      body: FleetImportSchema,
      response: { 200: FleetImportResultSchema },
    },
    handler: async (req) => fleet.importFleet(req.actor(), await scope(req.params.fleet), req.body),
  });
};
