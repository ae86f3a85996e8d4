import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AdvertisementListSchema,
  AdvertisementParamsSchema,
  AdvertisementRecordSchema,
  AdvertisementStatusSummarySchema,
  CreateAdvertisementBodySchema,
  CreatePackageBodySchema,
  CreateProgramBodySchema,
  FleetParamsSchema,
  PackageDetailSchema,
  PackageListSchema,
  PackageParamsSchema,
  ProgramParamsSchema,
  ProgramRecordSchema,
  UpdateAdvertisementBodySchema,
  UpdatePackageBodySchema,
  UpdateProgramBodySchema,
  etagFor,
  permissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createDistributionService } from "./distribution.service.js";

export const distributionRoutes: FastifyPluginAsyncZod = async (app) => {
  const dist = createDistributionService(app.prisma);
  const read = { access: permissions.readFleet };
  const edit = { access: permissions.editDistribution };
  const scope = (ref: string) => resolveFleet(app.prisma, ref);

  app.get("/:fleet/packages", {
    config: read,
    schema: {
      tags: ["packages"],
      summary: "Packages with distribution-point progress",
      params: FleetParamsSchema,
      response: { 200: PackageListSchema },
    },
    handler: async (req) => ({ items: await dist.listPackages(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/packages/:packageId", {
    config: read,
    schema: {
      tags: ["packages"],
      summary: "A package with its programs and per-DP status",
      params: PackageParamsSchema,
      response: { 200: PackageDetailSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.getPackage(await scope(req.params.fleet), req.params.packageId);
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });

  app.post("/:fleet/packages", {
    config: edit,
    schema: {
      tags: ["packages"],
      summary: "Create a package; every distribution point is targeted",
      params: FleetParamsSchema,
      body: CreatePackageBodySchema,
      response: { 201: PackageDetailSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.createPackage(req.actor(), await scope(req.params.fleet), req.body);
      return reply.status(201).header("etag", etagFor(p.version)).send(p);
    },
  });

  app.patch("/:fleet/packages/:packageId", {
    config: edit,
    schema: {
      tags: ["packages"],
      summary: "Change distribution settings or refresh the source (If-Match)",
      params: PackageParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdatePackageBodySchema,
      response: { 200: PackageDetailSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.updatePackage(
        req.actor(),
        await scope(req.params.fleet),
        req.params.packageId,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });

  app.post("/:fleet/packages/:packageId/programs", {
    config: edit,
    schema: {
      tags: ["programs"],
      summary: "Add a program to a package",
      params: PackageParamsSchema,
      body: CreateProgramBodySchema,
      response: { 201: ProgramRecordSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.createProgram(req.actor(), await scope(req.params.fleet), req.params.packageId, req.body);
      return reply.status(201).header("etag", etagFor(p.version)).send(p);
    },
  });

  app.get("/:fleet/packages/:packageId/programs/:programName", {
    config: read,
    schema: {
      tags: ["programs"],
      summary: "One program (with its ETag)",
      params: ProgramParamsSchema,
      response: { 200: ProgramRecordSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.getProgram(await scope(req.params.fleet), req.params.packageId, req.params.programName);
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });

  app.patch("/:fleet/packages/:packageId/programs/:programName", {
    config: edit,
    schema: {
      tags: ["programs"],
      summary: 'Change a program, e.g. "Disable this program on computers where it is advertised" (If-Match)',
      params: ProgramParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateProgramBodySchema,
      response: { 200: ProgramRecordSchema },
    },
    handler: async (req, reply) => {
      const p = await dist.updateProgram(
        req.actor(),
        await scope(req.params.fleet),
        req.params.packageId,
        req.params.programName,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(p.version)).send(p);
    },
  });

  app.get("/:fleet/advertisements", {
    config: read,
    schema: {
      tags: ["advertisements"],
      summary: "Advertisements with their derived Schedule-tab state",
      params: FleetParamsSchema,
      response: { 200: AdvertisementListSchema },
    },
    handler: async (req) => ({ items: await dist.listAdvertisements(await scope(req.params.fleet)) }),
  });

  app.get("/:fleet/advertisements/:advertisementId", {
    config: read,
    schema: {
      tags: ["advertisements"],
      summary: "One advertisement (with its ETag)",
      params: AdvertisementParamsSchema,
      response: { 200: AdvertisementRecordSchema },
    },
    handler: async (req, reply) => {
      const a = await dist.getAdvertisement(await scope(req.params.fleet), req.params.advertisementId);
      return reply.header("etag", etagFor(a.version)).send(a);
    },
  });

  app.post("/:fleet/advertisements", {
    config: edit,
    schema: {
      tags: ["advertisements"],
      summary: "Advertise a program to a collection",
      params: FleetParamsSchema,
      body: CreateAdvertisementBodySchema,
      response: { 201: AdvertisementRecordSchema },
    },
    handler: async (req, reply) => {
      const a = await dist.createAdvertisement(req.actor(), await scope(req.params.fleet), req.body);
      return reply.status(201).header("etag", etagFor(a.version)).send(a);
    },
  });

  app.put("/:fleet/advertisements/:advertisementId", {
    config: edit,
    schema: {
      tags: ["advertisements"],
      summary: "Replace an advertisement's properties (the Properties dialog's OK; If-Match)",
      params: AdvertisementParamsSchema,
      headers: IfMatchHeadersSchema,
      body: UpdateAdvertisementBodySchema,
      response: { 200: AdvertisementRecordSchema },
    },
    handler: async (req, reply) => {
      const a = await dist.updateAdvertisement(
        req.actor(),
        await scope(req.params.fleet),
        req.params.advertisementId,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(a.version)).send(a);
    },
  });

  app.get("/:fleet/advertisements/:advertisementId/status", {
    config: read,
    schema: {
      tags: ["advertisements"],
      summary: "Client states of the targeted computers and compliance %",
      params: AdvertisementParamsSchema,
      response: { 200: AdvertisementStatusSummarySchema },
    },
    handler: async (req) => dist.advertisementStatus(await scope(req.params.fleet), req.params.advertisementId),
  });
};
