import {
  CSRF_HEADER,
  REQUEST_ID_HEADER,
  SESSION_COOKIE,
  type Advertisement,
  type AdvertisementRecord,
  type AdvertisementStatusSummary,
  type ApiError,
  type CollectionRecord,
  type ComplianceBatch,
  type ComputerPage,
  type DpStatusBatch,
  type FleetImport,
  type FleetImportResult,
  type IngestResult,
  type Package,
  type PackageDetail,
  type Program,
  type ProgramRecord,
  type Session,
  type StatusBatch,
} from "@firebreak/domain";

/**
 * A small fetch-based client of the Firebreak API: what the simulator needs to write a fleet
 * through the API and report status like a real forwarder (no database access).
 *
 * - Session auth: `login()` keeps the `fb_session` cookie and sends `x-csrf-token` on every
 *   state-changing request; a 401 on a session route signs in again once.
 * - Ingest auth: `Authorization: Bearer <token>` on /api/ingest/*.
 * - Failures become {@link FirebreakError}s with a readable message built from the API's error
 *   shape `{ code, message, requestId, details }`.
 * - Retries with exponential backoff on network errors, 5xx and 429 (honouring Retry-After).
 *   Every write the simulator makes is idempotent (imports are upserts, ingest batches carry
 *   deterministic batch ids, creations answer 409 the second time), so retrying is safe; the one
 *   write that is not (making an ingest token) is retried only when the request never left.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface FirebreakClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** `production` (default) or a drill sandbox id. */
  fleet?: string;
  fetch?: FetchLike;
  /** Retries after the first attempt. Default 6. */
  retries?: number;
  /** First backoff delay; doubles each time (with jitter), capped by maxBackoffMs. Default 500 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A 429/503 asking to wait longer than this fails at once instead of waiting. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Per attempt. Default 5 minutes (a 20k-computer import is a big transaction). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every retry (for progress output). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export type FirebreakErrorKind = "network" | "api" | "protocol";

export class FirebreakError extends Error {
  readonly kind: FirebreakErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly details: ApiError["details"];
  readonly retryAfterMs: number | undefined;
  /** The API's own message (without method, path and details). */
  readonly apiMessage: string | undefined;

  constructor(
    message: string,
    o: {
      kind: FirebreakErrorKind;
      method: string;
      path: string;
      status?: number;
      code?: string;
      requestId?: string;
      details?: ApiError["details"];
      retryAfterMs?: number;
      apiMessage?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: o.cause });
    this.name = "FirebreakError";
    this.kind = o.kind;
    this.method = o.method;
    this.path = o.path;
    this.status = o.status;
    this.code = o.code;
    this.requestId = o.requestId;
    this.details = o.details;
    this.retryAfterMs = o.retryAfterMs;
    this.apiMessage = o.apiMessage;
  }
}

export const isFirebreakError = (e: unknown): e is FirebreakError => e instanceof FirebreakError;
/** An API answer with this error code (e.g. `CONFLICT` when an id is taken). */
export const isApiCode = (e: unknown, code: string): e is FirebreakError =>
  isFirebreakError(e) && e.kind === "api" && e.code === code;

export interface IngestTokenCreated {
  id: string;
  name: string;
  siteCodes: string[];
  token: string;
}

/** Filters of GET /api/fleets/:fleet/computers the simulator uses. */
export interface ListComputersParams {
  collectionId?: string;
  siteCode?: string;
  /** From 1. */
  page?: number;
  /** At most 500. */
  pageSize?: number;
}

/** What the simulator's play functions need from the API; tests fake exactly this. */
export interface FirebreakApi {
  readonly baseUrl: string;
  importFleet(body: FleetImport): Promise<FleetImportResult>;
  createPackage(pkg: Package): Promise<PackageDetail>;
  getPackage(packageId: string): Promise<PackageDetail>;
  createProgram(program: Program): Promise<ProgramRecord>;
  getProgram(packageId: string, programName: string): Promise<ProgramRecord>;
  createAdvertisement(advert: Advertisement): Promise<AdvertisementRecord>;
  getAdvertisement(advertisementId: string): Promise<AdvertisementRecord>;
  getCollection(collectionId: string): Promise<CollectionRecord>;
  listCollections(): Promise<CollectionRecord[]>;
  /** One page of computers, e.g. the members of a collection. */
  listComputers(query: ListComputersParams): Promise<ComputerPage>;
  advertisementStatus(advertisementId: string): Promise<AdvertisementStatusSummary>;
  createIngestToken(body: { name: string; siteCodes: string[] }): Promise<IngestTokenCreated>;
  postStatusMessages(token: string, batch: StatusBatch): Promise<IngestResult>;
  postCompliance(token: string, batch: ComplianceBatch): Promise<IngestResult>;
  postDpStatus(token: string, batch: DpStatusBatch): Promise<IngestResult>;
  /** Does the API document this route (OpenAPI path, e.g. `/api/ingest/dp-status`)? */
  hasRoute(method: string, path: string): Promise<boolean>;
}

type Auth = { kind: "none" } | { kind: "session" } | { kind: "bearer"; token: string };

export interface RequestOptions {
  auth: Auth;
  body?: unknown;
  /** Extra headers, e.g. If-Match for a versioned write. */
  headers?: Record<string, string>;
  /** Safe to send again after a failure that may have reached the server. Default true. */
  idempotent?: boolean;
}

/** Network errors where the request certainly never reached the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const o = e as { code?: unknown; errors?: unknown[]; cause?: unknown; name?: unknown };
    if (typeof o.code === "string") return o.code;
    if (Array.isArray(o.errors)) {
      for (const x of o.errors) {
        const c = networkCode(x);
        if (c) return c;
      }
    }
    if (o.name === "TimeoutError") return "TIMEOUT";
    e = o.cause;
  }
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function describeApiError(method: string, path: string, status: number, e: Partial<ApiError> | undefined): string {
  const head = e?.code
    ? `${method} ${path} failed: ${status} ${e.code}: ${e.message ?? ""}`.trimEnd()
    : `${method} ${path} failed with HTTP ${status}`;
  const lines = [head];
  const details = e?.details ?? [];
  for (const d of details.slice(0, 10)) lines.push(`  - ${d.path}: ${d.message}`);
  if (details.length > 10) lines.push(`  … and ${details.length - 10} more`);
  if (e?.requestId) lines.push(`  (request id ${e.requestId})`);
  return lines.join("\n");
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FirebreakClient implements FirebreakApi {
  readonly baseUrl: string;
  readonly fleet: string;
  private readonly fetchImpl: FetchLike;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  private cookie: string | null = null;
  private csrfToken: string | null = null;
  private credentials: { username: string; password: string } | null = null;
  private openApiPaths: Promise<Record<string, Record<string, unknown>>> | null = null;
  /** Attempts that were retried, for the run summary. */
  retryCount = 0;

  constructor(opts: FirebreakClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.fleet = opts.fleet ?? "production";
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.retries = opts.retries ?? 6;
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.sleep = opts.sleep ?? defaultSleep;
    this.onRetry = opts.onRetry;
  }

  // ---------------------------------------------------------------- session

  /** Signs in; keeps the session cookie and CSRF token for later calls. */
  async login(username: string, password: string): Promise<Session> {
    let session: Session;
    try {
      session = await this.request<Session>("POST", "/api/auth/login", {
        auth: { kind: "none" },
        body: { username, password },
      });
    } catch (err) {
      if (
        isFirebreakError(err) &&
        err.kind === "api" &&
        (err.status === 400 || err.status === 401 || err.status === 429)
      ) {
        const wait =
          err.status === 429 && err.retryAfterMs !== undefined
            ? ` (try again in ${Math.ceil(err.retryAfterMs / 60_000)} min)`
            : "";
        throw new FirebreakError(`sign-in failed for ${username}: ${err.apiMessage ?? `HTTP ${err.status}`}${wait}`, {
          kind: "api",
          method: err.method,
          path: err.path,
          status: err.status,
          code: err.code,
          requestId: err.requestId,
          details: err.details,
          cause: err,
        });
      }
      throw err;
    }
    if (!this.cookie)
      throw new FirebreakError(`sign-in for ${username} returned no ${SESSION_COOKIE} cookie`, {
        kind: "protocol",
        method: "POST",
        path: "/api/auth/login",
      });
    this.csrfToken = session.csrfToken;
    this.credentials = { username, password };
    return session;
  }

  // ---------------------------------------------------------------- fleet

  private fleetPath(rest: string): string {
    return `/api/fleets/${encodeURIComponent(this.fleet)}${rest}`;
  }

  importFleet(body: FleetImport): Promise<FleetImportResult> {
    return this.request("POST", this.fleetPath("/import"), { auth: { kind: "session" }, body });
  }

  createPackage(pkg: Package): Promise<PackageDetail> {
    return this.request("POST", this.fleetPath("/packages"), { auth: { kind: "session" }, body: pkg });
  }

  getPackage(packageId: string): Promise<PackageDetail> {
    return this.request("GET", this.fleetPath(`/packages/${encodeURIComponent(packageId)}`), {
      auth: { kind: "session" },
    });
  }

  createProgram(program: Program): Promise<ProgramRecord> {
    return this.request("POST", this.fleetPath(`/packages/${encodeURIComponent(program.packageId)}/programs`), {
      auth: { kind: "session" },
      body: program,
    });
  }

  getProgram(packageId: string, programName: string): Promise<ProgramRecord> {
    return this.request(
      "GET",
      this.fleetPath(`/packages/${encodeURIComponent(packageId)}/programs/${encodeURIComponent(programName)}`),
      { auth: { kind: "session" } },
    );
  }

  createAdvertisement(advert: Advertisement): Promise<AdvertisementRecord> {
    return this.request("POST", this.fleetPath("/advertisements"), { auth: { kind: "session" }, body: advert });
  }

  getAdvertisement(advertisementId: string): Promise<AdvertisementRecord> {
    return this.request("GET", this.fleetPath(`/advertisements/${encodeURIComponent(advertisementId)}`), {
      auth: { kind: "session" },
    });
  }

  getCollection(collectionId: string): Promise<CollectionRecord> {
    return this.request("GET", this.fleetPath(`/collections/${encodeURIComponent(collectionId)}`), {
      auth: { kind: "session" },
    });
  }

  async listCollections(): Promise<CollectionRecord[]> {
    const r = await this.request<{ items: CollectionRecord[] }>("GET", this.fleetPath("/collections"), {
      auth: { kind: "session" },
    });
    return r.items;
  }

  listComputers(query: ListComputersParams): Promise<ComputerPage> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const q = qs.toString();
    return this.request("GET", this.fleetPath(`/computers${q ? `?${q}` : ""}`), { auth: { kind: "session" } });
  }

  advertisementStatus(advertisementId: string): Promise<AdvertisementStatusSummary> {
    return this.request("GET", this.fleetPath(`/advertisements/${encodeURIComponent(advertisementId)}/status`), {
      auth: { kind: "session" },
    });
  }

  createIngestToken(body: { name: string; siteCodes: string[] }): Promise<IngestTokenCreated> {
    // Not idempotent: a retry after the server may have answered would make a second token.
    return this.request("POST", this.fleetPath("/ingest-tokens"), {
      auth: { kind: "session" },
      body,
      idempotent: false,
    });
  }

  // ---------------------------------------------------------------- ingest (forwarder)

  postStatusMessages(token: string, batch: StatusBatch): Promise<IngestResult> {
    return this.request("POST", "/api/ingest/status-messages", { auth: { kind: "bearer", token }, body: batch });
  }

  postCompliance(token: string, batch: ComplianceBatch): Promise<IngestResult> {
    return this.request("POST", "/api/ingest/compliance", { auth: { kind: "bearer", token }, body: batch });
  }

  postDpStatus(token: string, batch: DpStatusBatch): Promise<IngestResult> {
    return this.request("POST", "/api/ingest/dp-status", { auth: { kind: "bearer", token }, body: batch });
  }

  /** GET /api/health: is the API up (any answer counts; a network failure throws). */
  async ping(): Promise<unknown> {
    return this.request("GET", "/api/health", { auth: { kind: "none" } }).catch((err: unknown) => {
      if (isFirebreakError(err) && err.kind === "network") throw err;
      return undefined;
    });
  }

  async hasRoute(method: string, path: string): Promise<boolean> {
    this.openApiPaths ??= this.request<{ paths?: Record<string, Record<string, unknown>> }>(
      "GET",
      "/api/openapi.json",
      { auth: { kind: "none" } },
    ).then((d) => d.paths ?? {});
    const paths = await this.openApiPaths;
    return Boolean(paths[path]?.[method.toLowerCase()]);
  }

  // ---------------------------------------------------------------- transport

  /** One API call with retries; resolves with the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    const idempotent = o.idempotent ?? true;
    let reloggedIn = false;
    for (let attempt = 0; ; attempt++) {
      let failure: FirebreakError;
      let sent: boolean;
      try {
        return await this.attempt<T>(method, path, o);
      } catch (err) {
        if (!isFirebreakError(err)) throw err;
        failure = err;
        sent = !(err.kind === "network" && NOT_SENT_CODES.has(err.code ?? ""));
      }
      // A session that expired (idle or absolute) during a long run: sign in again once.
      if (failure.status === 401 && o.auth.kind === "session" && this.credentials && !reloggedIn) {
        reloggedIn = true;
        await this.login(this.credentials.username, this.credentials.password);
        attempt--;
        continue;
      }
      const transient =
        failure.kind === "network" || failure.status === 429 || (failure.status !== undefined && failure.status >= 500);
      // 429 and 503 mean "not processed"; other 5xx and lost connections may have been.
      const safe = idempotent || !sent || failure.status === 429 || failure.status === 503;
      if (!transient || !safe || attempt >= this.retries) throw this.finalError(failure);
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxRetryAfterMs)
        throw this.finalError(failure);
      const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt) * (0.75 + 0.5 * Math.random());
      const delayMs = Math.round(Math.max(backoff, failure.retryAfterMs ?? 0));
      this.retryCount++;
      this.onRetry?.({
        method,
        path,
        attempt: attempt + 1,
        delayMs,
        reason:
          failure.kind === "network"
            ? (failure.code ?? "network error")
            : `${failure.status} ${failure.code ?? ""}`.trim(),
      });
      await this.sleep(delayMs);
    }
  }

  private finalError(e: FirebreakError): FirebreakError {
    if (e.kind !== "network") return e;
    const why =
      e.code === "TIMEOUT" ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : (e.code ?? e.message);
    return new FirebreakError(
      `cannot reach ${this.baseUrl} — is \`npm start\` running? (${e.method} ${e.path}: ${why})`,
      { kind: "network", method: e.method, path: e.path, code: e.code, cause: e.cause },
    );
  }

  private async attempt<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...(o.headers ?? {}) };
    let body: string | undefined;
    if (o.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(o.body);
    }
    if (o.auth.kind === "bearer") headers.authorization = `Bearer ${o.auth.token}`;
    if (o.auth.kind === "session") {
      if (!this.cookie)
        throw new FirebreakError(`${method} ${path}: sign in first`, { kind: "protocol", method, path });
      headers.cookie = this.cookie;
      if (method !== "GET" && method !== "HEAD" && this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;
    }
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
    if (body !== undefined) init.body = body;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, init);
    } catch (err) {
      const code = networkCode(err);
      throw new FirebreakError(`${method} ${path}: ${code ?? (err instanceof Error ? err.message : String(err))}`, {
        kind: "network",
        method,
        path,
        ...(code ? { code } : {}),
        cause: err,
      });
    }
    const setCookies = typeof res.headers.getSetCookie === "function" ? res.headers.getSetCookie() : [];
    for (const c of setCookies) {
      const m = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(c);
      if (m) this.cookie = m[1] ? `${SESSION_COOKIE}=${m[1]}` : null;
    }
    const text = await res.text().catch(() => "");
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (res.ok) {
      if (text && json === undefined)
        throw new FirebreakError(`${method} ${path}: the answer is not JSON (HTTP ${res.status})`, {
          kind: "protocol",
          method,
          path,
          status: res.status,
        });
      return json as T;
    }
    const apiError = json && typeof json === "object" && "code" in json ? (json as Partial<ApiError>) : undefined;
    const requestId = apiError?.requestId ?? res.headers.get(REQUEST_ID_HEADER) ?? undefined;
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    throw new FirebreakError(
      describeApiError(
        method,
        path,
        res.status,
        apiError ? { ...apiError, ...(requestId ? { requestId } : {}) } : undefined,
      ),
      {
        kind: "api",
        method,
        path,
        status: res.status,
        ...(apiError?.code ? { code: apiError.code } : {}),
        ...(requestId ? { requestId } : {}),
        ...(apiError?.details ? { details: apiError.details } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(apiError?.message ? { apiMessage: apiError.message } : {}),
      },
    );
  }
}
