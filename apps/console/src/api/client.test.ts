import { UserSchema } from "@firebreak/domain";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { json, mockApi, sessionFor } from "../../test/mock-api";
import { ApiError, createApi, fieldErrorsFromDetails, parseRetryAfter, SESSION_QUERY_KEY, toApiError } from "./client";

describe("toApiError", () => {
  it("parses the API's error shape with details and request id", async () => {
    const error = await toApiError(
      json(400, {
        code: "VALIDATION_FAILED",
        message: "The request is not valid",
        requestId: "req-42",
        details: [{ path: "body.username", message: "Enter a username" }],
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      message: "The request is not valid",
      requestId: "req-42",
      details: [{ path: "body.username", message: "Enter a username" }],
    });
  });

  it("reads Retry-After on RATE_LIMITED", async () => {
    const error = await toApiError(
      json(429, { code: "RATE_LIMITED", message: "Too many attempts", requestId: "r" }, { "retry-after": "120" }),
    );
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryAfterSeconds).toBe(120);
  });

  it("falls back to a readable message when the body is not the error shape (e.g. a proxy's HTML page)", async () => {
    const error = await toApiError(
      new Response("<html>Bad gateway</html>", { status: 502, headers: { "x-request-id": "edge-1" } }),
    );
    expect(error).toMatchObject({ status: 502, code: "UNAVAILABLE", requestId: "edge-1" });
    expect(error.message).toMatch(/server could not complete the request/i);
  });

  it("does not trust a body with an unknown code", async () => {
    const error = await toApiError(json(404, { code: "NOPE", message: "x", requestId: "r" }));
    expect(error).toMatchObject({ status: 404, code: "NOT_FOUND", message: "Not found." });
  });
});

describe("parseRetryAfter", () => {
  it("accepts seconds and HTTP dates", () => {
    expect(parseRetryAfter("30")).toBe(30);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1, 0, 0))).toBe(60);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("createApi", () => {
  const user = {
    id: "00000000-0000-4000-8000-000000000010",
    username: "alice",
    displayName: "Alice",
    role: "OBSERVER",
    disabled: false,
    version: 3,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-02T00:00:00.000Z",
  };

  it("sends the cached session's CSRF token on state-changing requests only", async () => {
    const api = mockApi({ "GET /api/users/x": { body: user }, "PATCH /api/users/x": { body: user } });
    const queryClient = new QueryClient();
    queryClient.setQueryData(SESSION_QUERY_KEY, sessionFor("ADMIN"));
    const client = createApi(queryClient);

    await client.get("/api/users/x", UserSchema);
    await client.patch("/api/users/x", { displayName: "Alice B" }, UserSchema, { headers: { "if-match": 'W/"3"' } });

    const [get, patch] = api.calls;
    expect(get?.headers.get("x-csrf-token")).toBeNull();
    expect(patch?.headers.get("x-csrf-token")).toBe("csrf-admin");
    expect(patch?.headers.get("if-match")).toBe('W/"3"');
    expect(patch?.headers.get("content-type")).toBe("application/json");
    expect(patch?.body).toEqual({ displayName: "Alice B" });
    expect(api.fetchMock).toHaveBeenCalledWith("/api/users/x", expect.objectContaining({ credentials: "same-origin" }));
  });

  it("throws ApiError with the server's message on failure", async () => {
    mockApi({
      "GET /api/users": {
        status: 403,
        body: { code: "FORBIDDEN", message: "Only administrators manage users", requestId: "req-7" },
      },
    });
    const promise = createApi(new QueryClient()).get("/api/users", UserSchema);
    await expect(promise).rejects.toMatchObject({
      name: "ApiError",
      status: 403,
      code: "FORBIDDEN",
      message: "Only administrators manage users",
      requestId: "req-7",
    });
  });

  it("turns a network failure into a readable message", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    await expect(createApi(new QueryClient()).get("/api/health", UserSchema)).rejects.toMatchObject({
      status: 0,
      code: "UNAVAILABLE",
      message: expect.stringMatching(/cannot reach the firebreak server/i),
    });
  });

  it("rejects a success body that does not match the schema", async () => {
    mockApi({ "GET /api/users/x": { body: { id: "not-a-user" } } });
    await expect(createApi(new QueryClient()).get("/api/users/x", UserSchema)).rejects.toMatchObject({
      code: "INTERNAL",
    });
  });

  it("adds query parameters, leaving out empty ones", async () => {
    const api = mockApi({ "GET /api/audit": { body: {} } });
    await createApi(new QueryClient()).send("/api/audit", {
      query: { actor: "alice", action: "", page: 2, to: undefined },
    });
    expect(api.calls[0]?.search.toString()).toBe("actor=alice&page=2");
  });
});

describe("fieldErrorsFromDetails", () => {
  it("maps API paths onto form fields, first message wins", () => {
    expect(
      fieldErrorsFromDetails([
        { path: "body.username", message: "Taken" },
        { path: "body.username", message: "Second" },
        { path: "body.password", message: "Too short" },
      ]),
    ).toEqual({ username: "Taken", password: "Too short" });
  });
});
