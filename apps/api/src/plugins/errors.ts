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
