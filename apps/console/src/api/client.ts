import { ApiErrorSchema, CSRF_HEADER, type ErrorCode, type ErrorDetail, type Session } from "@firebreak/domain";
import type { QueryClient } from "@tanstack/react-query";
import type { z } from "zod";

/** The one cache key of the signed-in session; the session feature owns it, the client only reads it. */
export const SESSION_QUERY_KEY = ["session"] as const;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A failed API call, parsed from the API's one error shape (or synthesised when there was none). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string | undefined;
  readonly details: ErrorDetail[];
  /** Seconds to wait before retrying, from Retry-After (RATE_LIMITED). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    requestId?: string | undefined;
    details?: ErrorDetail[] | undefined;
    retryAfterSeconds?: number | undefined;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

const fallbackCodeByStatus = (status: number): ErrorCode => {
  if (status === 400) return "VALIDATION_FAILED";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 412) return "PRECONDITION_FAILED";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 428) return "PRECONDITION_REQUIRED";
  if (status === 429) return "RATE_LIMITED";
  if (status === 503 || status === 502 || status === 504) return "UNAVAILABLE";
  return "INTERNAL";
};

const fallbackMessage = (status: number): string => {
  if (status === 401) return "You are not signed in.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return "The server could not complete the request. Try again in a moment.";
  return `The request failed (HTTP ${status}).`;
};

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Turns a failed response into an ApiError. Never throws itself. */
export async function toApiError(response: Response): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = ApiErrorSchema.safeParse(body);
  if (parsed.success) {
    return new ApiError({ status: response.status, ...parsed.data, retryAfterSeconds });
  }
  return new ApiError({
    status: response.status,
    code: fallbackCodeByStatus(response.status),
    message: fallbackMessage(response.status),
    requestId: response.headers.get("x-request-id") ?? undefined,
    retryAfterSeconds,
  });
}

export interface RequestOptions<T> {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  /** Parses the success body. Without it the body is returned as-is (or undefined for 204). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

function withQuery(path: string, query: RequestOptions<unknown>["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * The console's one way to call the API. Bound to a QueryClient so state-changing requests can
 * send the CSRF token of the cached session (key ['session']).
 */
export function createApi(queryClient: QueryClient) {
  async function send<T>(path: string, options: RequestOptions<T> = {}): Promise<ApiResponse<T>> {
    const method = options.method ?? "GET";
    const headers = new Headers({ accept: "application/json", ...options.headers });
    if (options.body !== undefined) headers.set("content-type", "application/json");
    if (UNSAFE_METHODS.has(method)) {
      const session = queryClient.getQueryData<Session | null>(SESSION_QUERY_KEY);
      if (session?.csrfToken) headers.set(CSRF_HEADER, session.csrfToken);
    }

    let response: Response;
    try {
      response = await fetch(withQuery(path, options.query), {
        method,
        headers,
        credentials: "same-origin",
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
      throw new ApiError({
        status: 0,
        code: "UNAVAILABLE",
        message: "Cannot reach the Firebreak server. Check your network connection and try again.",
        cause,
      });
    }

    if (!response.ok) throw await toApiError(response);

    if (response.status === 204 || !options.schema) {
      const text = response.status === 204 ? "" : await response.text();
      return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers, status: response.status };
    }

    let json: unknown;
    try {
      json = await response.json();
    } catch (cause) {
      throw unexpectedResponse(response, cause);
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw unexpectedResponse(response, parsed.error);
    return { data: parsed.data, headers: response.headers, status: response.status };
  }

  const call = async <T>(path: string, options: RequestOptions<T>): Promise<T> => (await send(path, options)).data;

  return {
    send,
    get: <T>(path: string, schema: z.ZodType<T>, options: Omit<RequestOptions<T>, "method" | "schema" | "body"> = {}) =>
      call(path, { ...options, schema, method: "GET" }),
    post: <T>(
      path: string,
      body: unknown,
      schema?: z.ZodType<T>,
      options: Omit<RequestOptions<T>, "method" | "schema" | "body"> = {},
    ) => call<T>(path, { ...options, body, method: "POST", ...(schema ? { schema } : {}) }),
    patch: <T>(
      path: string,
      body: unknown,
      schema?: z.ZodType<T>,
      options: Omit<RequestOptions<T>, "method" | "schema" | "body"> = {},
    ) => call<T>(path, { ...options, body, method: "PATCH", ...(schema ? { schema } : {}) }),
    put: <T>(
      path: string,
      body: unknown,
      schema?: z.ZodType<T>,
      options: Omit<RequestOptions<T>, "method" | "schema" | "body"> = {},
    ) => call<T>(path, { ...options, body, method: "PUT", ...(schema ? { schema } : {}) }),
    delete: (path: string, options: Omit<RequestOptions<void>, "method" | "schema"> = {}) =>
      call<void>(path, { ...options, method: "DELETE" }),
  };
}

export type Api = ReturnType<typeof createApi>;

function unexpectedResponse(response: Response, cause: unknown): ApiError {
  return new ApiError({
    status: response.status,
    code: "INTERNAL",
    message:
      "The server sent a response this console does not understand. Reload the page; if it persists, the console and API versions may differ.",
    requestId: response.headers.get("x-request-id") ?? undefined,
    cause,
  });
}

/** Maps API validation details (`body.username`) onto form field names (`username`). */
export function fieldErrorsFromDetails(details: readonly ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const detail of details) {
    const field = detail.path.replace(/^(body|query|params)\.?/, "");
    if (field && !(field in errors)) errors[field] = detail.message;
  }
  return errors;
}
