import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { randomUUID } from "node:crypto";
import type { Database } from "@firebreak/db";
import { errorsPlugin } from "./plugins/errors.js";
import { dbPlugin } from "./plugins/db.js";
import { authPlugin } from "./plugins/auth.js";
import { openapiPlugin } from "./plugins/openapi.js";
import { consoleStaticPlugin } from "./plugins/console-static.js";
import { healthRoutes } from "./modules/health/health.routes.js";
import { authRoutes } from "./modules/auth/auth.routes.js";
import { usersRoutes } from "./modules/users/users.routes.js";
import { auditRoutes } from "./modules/audit/audit.routes.js";
import { fleetRoutes } from "./modules/fleet/fleet.routes.js";
import { distributionRoutes } from "./modules/distribution/distribution.routes.js";
import { ingestRoutes, ingestTokenRoutes } from "./modules/ingest/ingest.routes.js";
import { monitoringRoutes } from "./modules/monitoring/monitoring.routes.js";
import { updatesRoutes } from "./modules/updates/updates.routes.js";
import { casesRoutes } from "./modules/cases/cases.routes.js";
import { policyRoutes } from "./modules/policy/policy.routes.js";
import { emergenciesRoutes } from "./modules/emergencies/emergencies.routes.js";
import { oobRoutes } from "./modules/oob/oob.routes.js";
import { rollbacksRoutes } from "./modules/rollbacks/rollbacks.routes.js";
import { haltsRoutes } from "./modules/halts/halts.routes.js";
import { haltRulesPlugin, type HaltRulesOptions } from "./modules/halts/halt-rules.plugin.js";
import { drillsRoutes, type DrillsRoutesOptions } from "./modules/drills/drills.routes.js";
import { sandboxWriteGuardPlugin } from "./modules/drills/sandbox-guard.plugin.js";
import {
  caseForecastRoutes,
  forecastsRoutes,
  type ForecastsRoutesOptions,
} from "./modules/forecasts/forecasts.routes.js";

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export const API_VERSION = "0.1.0";

export interface AppOptions {
  database: Database;
  /** Close the database when the app closes (the server does; tests manage their own). */
  closeDatabase?: boolean;
  sessionIdleMinutes?: number;
  sessionAbsoluteHours?: number;
  cookieSecure?: "auto" | "true" | "false";
  /** false, a hop count, or proxy addresses/CIDRs (see env TRUST_PROXY). */
  trustProxy?: boolean | number | string[];
  bodyLimitBytes?: number;
  /** Directory of the built console to serve; omitted in API-only tests. */
  consoleDist?: string;
  logger?: FastifyServerOptions["logger"];
  /** Fire drills: the clock they run on and whether the player runs on a timer (tests drive it). */
  drills?: DrillsRoutesOptions;
  /** What-if forecasts: how many compute at once and how many may wait (issue #7). */
  forecasts?: ForecastsRoutesOptions;
  /** Automatic halt rules: the sweep interval (off unless set) and the per-rule throttle. */
  haltRules?: HaltRulesOptions;
}

/** The whole API as one Fastify instance. Never listens: server.ts does, tests use inject(). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // A hop count trusts only that many proxies in front of us (proxy-addr's hop index).
    trustProxy: typeof opts.trustProxy === "number" ? trustHops(opts.trustProxy) : (opts.trustProxy ?? false),
    bodyLimit: opts.bodyLimitBytes ?? 1024 * 1024,
    requestIdHeader: false,
    // Always our own id: a caller-chosen one could collide with another request's in the audit log.
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorsPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine and the Swagger UI set inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
  });
  await app.register(cookie);
  await app.register(dbPlugin, { database: opts.database, closeOnShutdown: opts.closeDatabase ?? false });
  await app.register(openapiPlugin, { version: API_VERSION });
  const cookieSecure = opts.cookieSecure ?? "auto";
  await app.register(authPlugin, {
    idleMinutes: opts.sessionIdleMinutes ?? 30,
    absoluteHours: opts.sessionAbsoluteHours ?? 12,
    cookieSecure,
  });

  // Refuses writes to the sandbox fleet of a drill that has ended (its report's evidence).
  await app.register(sandboxWriteGuardPlugin);

  await app.register(healthRoutes, { prefix: "/api/health", version: API_VERSION });
  await app.register(authRoutes, { prefix: "/api/auth", cookieSecure });
  await app.register(usersRoutes, { prefix: "/api/users" });
  await app.register(auditRoutes, { prefix: "/api/audit" });
  await app.register(fleetRoutes, { prefix: "/api/fleets" });
  await app.register(distributionRoutes, { prefix: "/api/fleets" });
  await app.register(monitoringRoutes, { prefix: "/api/fleets" });
  await app.register(haltRulesPlugin, opts.haltRules ?? {});
  await app.register(haltsRoutes, { prefix: "/api/fleets" });
  await app.register(ingestTokenRoutes, { prefix: "/api/fleets" });
  await app.register(ingestRoutes, { prefix: "/api/ingest" });
  await app.register(updatesRoutes, { prefix: "/api/updates" });
  await app.register(casesRoutes, { prefix: "/api/cases" });
  await app.register(emergenciesRoutes, { prefix: "/api/emergencies" });
  await app.register(oobRoutes, { prefix: "/api/oob-tasks" });
  await app.register(rollbacksRoutes, { prefix: "/api/rollbacks" });
  await app.register(drillsRoutes, { prefix: "/api/drills", ...opts.drills });
  await app.register(forecastsRoutes, { prefix: "/api/fleets", ...opts.forecasts });
  await app.register(caseForecastRoutes, { prefix: "/api/cases" });
  await app.register(policyRoutes, { prefix: "/api/priority-policy" });

  if (opts.consoleDist) await app.register(consoleStaticPlugin, { root: opts.consoleDist });
  return app;
}
