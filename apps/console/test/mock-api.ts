import type { Role, Session } from "@firebreak/domain";
import { vi } from "vitest";

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedCall {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Handler = MockReply | ((call: RecordedCall) => MockReply | Promise<MockReply>);

/**
 * Replaces global fetch (the boundary) with a table of "METHOD /path" → reply. Unknown requests
 * answer 501 and are listed in `unmatched`, so a test sees calls it did not expect.
 */
export function mockApi(routes: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const unmatched: string[] = [];
  const table = new Map(Object.entries(routes));

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      "http://localhost",
    );
    const method = (init?.method ?? "GET").toUpperCase();
    const rawBody = init?.body;
    const call: RecordedCall = {
      method,
      path: url.pathname,
      search: url.searchParams,
      headers: new Headers(init?.headers),
      body: typeof rawBody === "string" ? JSON.parse(rawBody) : undefined,
    };
    calls.push(call);
    const handler = table.get(`${method} ${url.pathname}`);
    if (!handler) {
      unmatched.push(`${method} ${url.pathname}${url.search}`);
      return json(501, { code: "INTERNAL", message: `No mock for ${method} ${url.pathname}`, requestId: "test" });
    }
    const reply = typeof handler === "function" ? await handler(call) : handler;
    const status = reply.status ?? 200;
    if (status === 204) return new Response(null, { status, headers: reply.headers ?? {} });
    return json(status, reply.body, reply.headers);
  });

  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    unmatched,
    fetchMock,
    /** Replace or add a route while the test runs. */
    set(route: string, handler: Handler) {
      table.set(route, handler);
    },
    callsTo(method: string, path: string) {
      return calls.filter((call) => call.method === method && call.path === path);
    },
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export const apiError = (
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): MockReply => ({
  status,
  body: { code, message, requestId: "req-test-1", ...extra },
});

const ids: Record<Role, string> = {
  ADMIN: "00000000-0000-4000-8000-000000000001",
  ERT_LEAD: "00000000-0000-4000-8000-000000000002",
  ERT_MEMBER: "00000000-0000-4000-8000-000000000003",
  SMS_ADMIN: "00000000-0000-4000-8000-000000000004",
  MANAGER: "00000000-0000-4000-8000-000000000005",
  OBSERVER: "00000000-0000-4000-8000-000000000006",
};

export function sessionFor(role: Role, overrides: Partial<Session["user"]> = {}): Session {
  return {
    user: {
      id: ids[role],
      username: role.toLowerCase().replace("_", "-"),
      displayName: `Test ${role.toLowerCase()}`,
      role,
      ...overrides,
    },
    csrfToken: `csrf-${role.toLowerCase()}`,
    expiresAt: "2030-01-01T00:00:00.000Z",
    idleTimeoutSeconds: 1800,
  };
}

export const signedOut: MockReply = {
  status: 401,
  body: { code: "UNAUTHENTICATED", message: "Not signed in", requestId: "req-session" },
};
