import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { CSRF_HEADER, SESSION_COOKIE } from "@firebreak/domain";

/** OpenAPI 3.1 at GET /api/openapi.json, interactive docs at /api/docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance, opts: { version: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Firebreak API",
          version: opts.version,
          description: `Patch emergency operations console. Sign in with POST /api/auth/login; the session travels in the \`${SESSION_COOKIE}\` cookie. Every state-changing request must also send the session's CSRF token in the \`${CSRF_HEADER}\` header. Failures are \`{ code, message, requestId, details? }\`.`,
        },
        components: {
          securitySchemes: {
            sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
            ingestToken: {
              type: "http",
              scheme: "bearer",
              description: "An ingest token made by an SMS administrator, scoped to sites",
            },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list", deepLinking: true } });
    app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
