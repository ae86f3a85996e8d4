import fp from "fastify-plugin";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import {
  AppError,
  REQUEST_ID_HEADER,
  statusByCode,
  type ApiError,
  type ErrorCode,
  type ErrorDetail,
} from "@firebreak/domain";

const GENERIC_5XX = "Something went wrong on our side. The error was logged; quote the request id if you report it.";

function fastifyErrorToCode(err: FastifyError): ErrorCode | null {
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "PAYLOAD_TOO_LARGE";
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return "VALIDATION_FAILED";
  }
  if (err.statusCode === 400 || (err instanceof SyntaxError && err.statusCode === 400)) return "VALIDATION_FAILED";
  return null;
}

/**
 * The one error handler: every failure leaves as `{ code, message, requestId, details? }` with the
 * status from `statusByCode`. 5xx bodies reveal nothing; the real error is only logged.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook("onSend", async (request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
    });

    // PostgreSQL text cannot hold NUL; refuse it up front rather than fail inside a transaction.
    app.addHook("preValidation", async (request) => {
      const path = findNul(request.body, "body");
      if (path)
        throw new AppError("VALIDATION_FAILED", `${path} contains a NUL character.`, {
          details: [{ path, message: "contains a NUL character" }],
        });
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      let body: ApiError;
      if (error instanceof AppError) {
        body = {
          code: error.code,
          message: error.message,
          requestId: request.id,
          ...(error.details ? { details: error.details } : {}),
        };
        if (error.headers) reply.headers(error.headers);
        if (error.status >= 500) request.log.error({ err: error }, "request failed");
      } else if (hasZodFastifySchemaValidationErrors(error)) {
        const where = error.validationContext ?? "request";
        const details: ErrorDetail[] = error.validation.map((v) => {
          const path = [
            where,
            ...String(v.instancePath ?? "")
              .split("/")
              .filter(Boolean),
          ].join(".");
          return { path, message: v.message ?? "is invalid" };
        });
        body = {
          code: "VALIDATION_FAILED",
          message: `The ${where} is not valid: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`,
          requestId: request.id,
          details,
        };
      } else if ((error as { code?: string }).code === "P2002") {
        // A unique constraint lost a race with a concurrent request (the service checked first).
        body = {
          code: "CONFLICT",
          message: "This already exists: another request created it at the same moment. Reload and try again.",
          requestId: request.id,
        };
      } else if (isResponseSerializationError(error)) {
        request.log.error({ err: error, issues: error.cause.issues }, "response did not match its schema");
        body = { code: "INTERNAL", message: GENERIC_5XX, requestId: request.id };
      } else {
        const code = fastifyErrorToCode(error);
        if (code && code !== "INTERNAL") {
          body = { code, message: error.message, requestId: request.id };
        } else if (error.statusCode === 429) {
          body = { code: "RATE_LIMITED", message: error.message, requestId: request.id };
        } else {
          request.log.error({ err: error }, "unhandled error");
          body = { code: "INTERNAL", message: GENERIC_5XX, requestId: request.id };
        }
      }
      return reply.status(statusByCode[body.code]).type("application/json").send(JSON.stringify(body));
    });

    app.setNotFoundHandler((request, reply) => {
      const body: ApiError = {
        code: "NOT_FOUND",
        message: `No route ${request.method} ${request.url.split("?")[0]}`,
        requestId: request.id,
      };
      return reply.status(404).type("application/json").send(JSON.stringify(body));
    });
  },
  { name: "errors" },
);

/** Dotted path of the first string in a parsed JSON body that holds a NUL character. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return `${path}.${k}`;
      const found = findNul(v, `${path}.${k}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
}
