import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdvertisementParamsSchema,
  FleetParamsSchema,
  HaltAdvertisementBodySchema,
  HaltReleaseResultSchema,
  HaltRuleViewSchema,
  HaltTargetsSchema,
  HaltVerificationSchema,
  PutHaltRuleBodySchema,
  RearmHaltRuleBodySchema,
  ReleaseHaltListSchema,
  ResumeAdvertisementBodySchema,
  ResumeResultSchema,
  etagFor,
  permissions,
  routeRolesFor,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { createHaltsService } from "./halts.service.js";

/**
 * Halting a release and the automatic halt rule of an advertisement, under
 * `/api/fleets/:fleet/advertisements/:advertisementId`, and the halts in force of a fleet. Writes
 * admit the roles that may halt (`haltRelease`: ERT lead, SMS administrator, and ERT members, who
 * need an emergency-authority grant in the case's emergency — the service checks it); a resume
 * admits those who may resume a case (`authoriseRollback`: the ERT lead, or a grant).
 */
export const haltsRoutes: FastifyPluginAsyncZod = async (app) => {
  const halts = createHaltsService(app.prisma);
  const read = { access: permissions.readFleet };
  const halt = { access: routeRolesFor("haltRelease") };
  const resume = { access: routeRolesFor("authoriseRollback") };
  const scope = (ref: string) => resolveFleet(app.prisma, ref);
  const RULE = "/:fleet/advertisements/:advertisementId/halt-rule";

  app.get(RULE, {
    config: read,
    schema: {
      tags: ["halts"],
      summary:
        "The advertisement's automatic halt rule: thresholds, armed or fired (with what it saw), what it sees now",
      params: AdvertisementParamsSchema,
      response: { 200: HaltRuleViewSchema },
    },
    handler: async (req, reply) => {
      const v = await halts.getRule(await scope(req.params.fleet), req.params.advertisementId);
      return reply.header("etag", etagFor(v.version)).send(v);
    },
  });

  app.put(RULE, {
    config: halt,
    schema: {
      tags: ["halts"],
      summary:
        "Create the halt rule (no If-Match) or replace it (If-Match): failure count and/or %, minimum sample, per site and/or overall",
      params: AdvertisementParamsSchema,
      headers: IfMatchHeadersSchema,
      body: PutHaltRuleBodySchema,
      response: { 200: HaltRuleViewSchema, 201: HaltRuleViewSchema },
    },
    handler: async (req, reply) => {
      const ifMatch = req.headers["if-match"];
      const { view, created } = await halts.putRule(
        req.actor(),
        await scope(req.params.fleet),
        req.params.advertisementId,
        ifMatch === undefined ? null : requireIfMatch(ifMatch),
        req.body,
      );
      return reply
        .status(created ? 201 : 200)
        .header("etag", etagFor(view.version))
        .send(view);
    },
  });

  app.delete(RULE, {
    config: halt,
    schema: {
      tags: ["halts"],
      summary: "Remove the halt rule (If-Match)",
      params: AdvertisementParamsSchema,
      headers: IfMatchHeadersSchema,
      response: { 204: z.null() },
    },
    handler: async (req, reply) => {
      await halts.deleteRule(
        req.actor(),
        await scope(req.params.fleet),
        req.params.advertisementId,
        requireIfMatch(req.headers["if-match"]),
      );
      return reply.status(204).send(null);
    },
  });

  app.post(`${RULE}/rearm`, {
    config: halt,
    schema: {
      tags: ["halts"],
      summary: "Re-arm a fired halt rule; it then counts results reported from now on (If-Match)",
      params: AdvertisementParamsSchema,
      headers: IfMatchHeadersSchema,
      body: RearmHaltRuleBodySchema,
      response: { 200: HaltRuleViewSchema },
    },
    handler: async (req, reply) => {
      const v = await halts.rearmRule(
        req.actor(),
        await scope(req.params.fleet),
        req.params.advertisementId,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(v.version)).send(v);
    },
  });

  app.post("/:fleet/advertisements/:advertisementId/halt", {
    config: halt,
    schema: {
      tags: ["halts"],
      summary:
        "Halt the deployment: disable the program where it is advertised (optionally the advertisements), halt the cases deploying through them; optionally every deployment of the update",
      params: AdvertisementParamsSchema,
      body: HaltAdvertisementBodySchema,
      response: { 200: HaltReleaseResultSchema },
    },
    handler: async (req) =>
      halts.haltAdvertisement(req.actor(), await scope(req.params.fleet), req.params.advertisementId, req.body),
  });

  app.get("/:fleet/advertisements/:advertisementId/halt-targets", {
    config: read,
    schema: {
      tags: ["halts"],
      summary:
        "What a halt of the advertisement would stop: every advertisement of its program, or every deployment of its update(s)",
      params: AdvertisementParamsSchema,
      response: { 200: HaltTargetsSchema },
    },
    handler: async (req) => halts.targets(await scope(req.params.fleet), req.params.advertisementId),
  });

  app.post("/:fleet/advertisements/:advertisementId/resume", {
    config: resume,
    schema: {
      tags: ["halts"],
      summary:
        "Lift the halt of an advertisement no halted case stands behind (a case is resumed through its action); ERT lead or emergency authority",
      params: AdvertisementParamsSchema,
      body: ResumeAdvertisementBodySchema,
      response: { 200: ResumeResultSchema },
    },
    handler: async (req) =>
      halts.resumeAdvertisement(req.actor(), await scope(req.params.fleet), req.params.advertisementId, req.body),
  });

  app.get("/:fleet/halts", {
    config: read,
    schema: {
      tags: ["halts"],
      summary: "The halts in force in the fleet, newest first: when, why, the automatic rule, the cases they halted",
      params: FleetParamsSchema,
      response: { 200: ReleaseHaltListSchema },
    },
    handler: async (req) => halts.listInForce(await scope(req.params.fleet)),
  });

  app.get("/:fleet/advertisements/:advertisementId/halt-verification", {
    config: read,
    schema: {
      tags: ["halts"],
      summary:
        "Halt verification: when the program was disabled, the last 'program started' (10005) and the starts after the halt",
      params: AdvertisementParamsSchema,
      response: { 200: HaltVerificationSchema },
    },
    handler: async (req) => halts.verification(await scope(req.params.fleet), req.params.advertisementId),
  });
};
