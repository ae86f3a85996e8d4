import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdvertisementMonitorSchema,
  AdvertisementParamsSchema,
  UpdateMonitorParamsSchema,
  UpdateMonitorSchema,
  permissions,
} from "@firebreak/domain";
import { resolveFleet } from "../fleet/fleet-scope.js";
import { createMonitoringService } from "./monitoring.service.js";
import { DEFAULT_STREAM_TIMING, MonitorStreams, statusNotifier, type StreamTiming } from "./monitoring.stream.js";

export const monitoringRoutes: FastifyPluginAsyncZod<{ streamTiming?: Partial<StreamTiming> }> = async (app, opts) => {
  const monitor = createMonitoringService(app.prisma);
  const read = { access: permissions.readFleet };
  const scope = (ref: string) => resolveFleet(app.prisma, ref);
  const streams = new MonitorStreams(monitor, app.log, permissions.readFleet, statusNotifier(app.prisma), {
    ...DEFAULT_STREAM_TIMING,
    ...opts.streamTiming,
  }).register(app.prisma);
  // End the streams before the server waits for its connections to close; onClose is the backstop
  // for an app that never listened (inject).
  app.addHook("preClose", async () => streams.close());
  app.addHook("onClose", async () => streams.close());

  app.get("/:fleet/advertisements/:advertisementId/monitor", {
    config: read,
    schema: {
      tags: ["monitoring"],
      summary:
        "Deployment monitor of an advertisement: states by site and link class, failures by exit code, never-reported machines, coverage curve",
      params: AdvertisementParamsSchema,
      response: { 200: AdvertisementMonitorSchema },
    },
    handler: async (req) => monitor.advertisementMonitor(await scope(req.params.fleet), req.params.advertisementId),
  });

  app.get("/:fleet/advertisements/:advertisementId/monitor/stream", {
    config: read,
    schema: {
      tags: ["monitoring"],
      summary: "The advertisement monitor, live (Server-Sent Events)",
      description:
        "A `text/event-stream`. It starts with `retry: 5000` and `event: monitor` carrying the current AdvertisementMonitor " +
        "as JSON, then sends `event: monitor` with a fresh snapshot whenever status for the advertisement is stored " +
        "(at most one per second; the server looks every second, so other API instances' ingest shows too), and a " +
        "`: keepalive` comment after 15 s of silence. `event: end` (the session ended) and `event: gone` (the " +
        "advertisement was deleted) are followed by the end of the stream. Errors before the stream starts " +
        "(401, 403, 404) are ordinary JSON errors. Use EventSource with credentials; no CSRF token is needed.",
      params: AdvertisementParamsSchema,
      response: {
        200: {
          description: "An event stream of AdvertisementMonitor snapshots",
          content: { "text/event-stream": { schema: z.string() } },
        },
      },
    },
    handler: async (req, reply) => {
      await streams.open(req, reply, await scope(req.params.fleet), req.params.advertisementId);
      return reply;
    },
  });

  app.get("/:fleet/updates/:updateId/monitor", {
    config: read,
    schema: {
      tags: ["monitoring"],
      summary:
        "Deployment monitor of an update: compliance states by site and link class, installed % and its curve over time",
      params: UpdateMonitorParamsSchema,
      response: { 200: UpdateMonitorSchema },
    },
    handler: async (req) => monitor.updateMonitor(await scope(req.params.fleet), req.params.updateId),
  });
};
