import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ApplyForecastBodySchema,
  ApplyForecastPreviewQuerySchema,
  ApplyForecastPreviewSchema,
  ApplyForecastResultSchema,
  CreateForecastBodySchema,
  FleetParamsSchema,
  ForecastListSchema,
  ForecastParamsSchema,
  ForecastRecordSchema,
  ForecastVariantSchema,
  ForecastVsActualSchema,
  IdParamsSchema,
  ListForecastsQuerySchema,
  etagFor,
  permissions,
  processPermissions,
} from "@firebreak/domain";
import { requireIfMatch } from "../../lib/concurrency.js";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { IfMatchHeadersSchema } from "../fleet/fleet.routes.js";
import { ForecastRunner, type ForecastRunnerOptions } from "./forecasts.runner.js";
import { createForecastComparisonService, createForecastsService } from "./forecasts.service.js";

export type ForecastsRoutesOptions = ForecastRunnerOptions;

/**
 * What-if forecasts under `/api/fleets/:fleet/forecasts` (issue #7). Reading is for every staff
 * role that reads the fleet; running for the ERT and SMS administrators; applying a variant for the
 * ERT lead and SMS administrators, as for the emergency checklist.
 */
export const forecastsRoutes: FastifyPluginAsyncZod<ForecastsRoutesOptions> = async (app, opts) => {
  const runner = new ForecastRunner(opts);
  const forecasts = createForecastsService(app.prisma, runner);
  const read = { access: permissions.readFleet };
  const scope = (ref: string) => resolveFleet(app.prisma, ref);
  // Stop the workers and mark what they held while the database is still open.
  app.addHook("preClose", async () => runner.close());
  app.addHook("onClose", async () => runner.close());

  app.post("/:fleet/forecasts", {
    config: { access: processPermissions.runForecast },
    schema: {
      tags: ["forecasts"],
      summary: "Forecast a draft advertisement (202: computed in the background; poll the forecast)",
      description:
        "Give a complete `draft`, or `fromAdvertisement` to start from an existing advertisement and change its " +
        "slow-link box, remote DP behaviour or schedule. The forecast is queued and computed in a worker thread; " +
        "GET it for `runsDone`/`runsTotal` and, once DONE, the result. An identical request while one is queued " +
        "or running answers with that forecast. 429 with Retry-After when the server's forecast queue is full.",
      params: FleetParamsSchema,
      body: CreateForecastBodySchema,
      response: { 202: ForecastRecordSchema },
    },
    handler: async (req, reply) => {
      const { record } = await forecasts.create(req.actor(), await scope(req.params.fleet), req.body);
      return reply
        .status(202)
        .header("location", `/api/fleets/${req.params.fleet}/forecasts/${record.id}`)
        .send(record);
    },
  });

  app.get("/:fleet/forecasts", {
    config: read,
    schema: {
      tags: ["forecasts"],
      summary: "Forecasts, newest first, of a case or an advertisement",
      params: FleetParamsSchema,
      querystring: ListForecastsQuerySchema,
      response: { 200: ForecastListSchema },
    },
    handler: async (req) => forecasts.list(await scope(req.params.fleet), req.query),
  });

  app.get("/:fleet/forecasts/:id", {
    config: read,
    schema: {
      tags: ["forecasts"],
      summary: "A forecast: status, progress and, once done, the result",
      params: ForecastParamsSchema,
      response: { 200: ForecastRecordSchema },
    },
    handler: async (req) => forecasts.get(await scope(req.params.fleet), req.params.id),
  });

  app.get("/:fleet/forecasts/:id/apply-preview", {
    config: read,
    schema: {
      tags: ["forecasts"],
      summary: "What applying a variant would change now (the confirmation's list)",
      params: ForecastParamsSchema,
      querystring: ApplyForecastPreviewQuerySchema,
      response: { 200: ApplyForecastPreviewSchema },
    },
    handler: async (req, reply) => {
      const p = await forecasts.applyPreview(await scope(req.params.fleet), req.params.id, req.query.variant);
      return reply.header("etag", etagFor(p.advertisementVersion)).send(p);
    },
  });

  app.post("/:fleet/forecasts/:id/apply", {
    config: { access: processPermissions.applyForecast },
    schema: {
      tags: ["forecasts"],
      summary: "Apply a variant to the advertisement the forecast started from (If-Match: the advertisement's version)",
      description:
        "Changes the advertisement's flags (and the draft's remote DP behaviour and schedule), opens the variant's " +
        "sender addresses (their settings saved, with a restore task) and marks Courier delivery for its sites, in one " +
        "audited transaction. Nothing is written when every change is in place already (applied: false). 412 when " +
        "If-Match is stale; 409 when the advertisement changed after the forecast was made.",
      params: ForecastParamsSchema,
      headers: IfMatchHeadersSchema,
      body: ApplyForecastBodySchema,
      response: { 200: ApplyForecastResultSchema },
    },
    handler: async (req, reply) => {
      const r = await forecasts.apply(
        req.actor(),
        await scope(req.params.fleet),
        req.params.id,
        requireIfMatch(req.headers["if-match"]),
        req.body,
      );
      return reply.header("etag", etagFor(r.advertisement.version)).send(r);
    },
  });
};

/** The case page's "forecast beside what happened", under `/api/cases`. */
export const caseForecastRoutes: FastifyPluginAsyncZod = async (app) => {
  const comparison = createForecastComparisonService(app.prisma);
  app.get("/:id/forecast-vs-actual", {
    config: { access: processPermissions.readProcess },
    schema: {
      tags: ["forecasts"],
      summary: "The case's newest forecast band beside the actual coverage of its advertisement, with the error",
      params: IdParamsSchema,
      querystring: z.object({ variant: ForecastVariantSchema.optional() }),
      response: { 200: ForecastVsActualSchema },
    },
    handler: async (req) => comparison.vsActual(req.params.id, req.query.variant),
  });
};
