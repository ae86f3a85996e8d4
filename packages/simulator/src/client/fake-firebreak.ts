import {
  AdvertisementSchema,
  CollectionSchema,
  ComplianceBatchSchema,
  DpStatusBatchSchema,
  FleetImportSchema,
  PackageSchema,
  ProgramFlags,
  ProgramSchema,
  StatusBatchSchema,
  clientStateOfMessage,
  type Advertisement,
  type AdvertisementRecord,
  type AdvertisementStatusSummary,
  type Collection,
  type CollectionRecord,
  type ComplianceBatch,
  type ComputerPage,
  type ComputerRecord,
  type DpStatusBatch,
  type ErrorDetail,
  type FleetImport,
  type FleetImportResult,
  type IngestResult,
  type Package,
  type PackageDetail,
  type Program,
  type ProgramRecord,
  type StatusBatch,
} from "@firebreak/domain";
import {
  FirebreakError,
  type FirebreakApi,
  type IngestTokenCreated,
  type ListComputersParams,
} from "./firebreak-client.js";

/**
 * An in-memory stand-in for the Firebreak API, for tests only (not exported from the package).
 * It checks every body with the real request schemas of `@firebreak/domain` and mimics the rules
 * the simulator relies on: 409 CONFLICT for a taken id, ingest batches all-or-nothing and
 * idempotent by batch id (a re-sent id answers the first result with `replay: true`), rows must
 * name imported computers, sites the token covers and existing advertisements/packages.
 */

type Kind = "status" | "compliance" | "dp-status";
export interface StoredBatch {
  kind: Kind;
  body: StatusBatch | ComplianceBatch | DpStatusBatch;
  result: IngestResult;
}

const apiError = (
  method: string,
  path: string,
  status: number,
  code: string,
  message: string,
  details?: ErrorDetail[],
) =>
  new FirebreakError(`${method} ${path} failed: ${status} ${code}: ${message}`, {
    kind: "api",
    method,
    path,
    status,
    code,
    apiMessage: message,
    requestId: "fake",
    ...(details ? { details } : {}),
  });

interface Schema<T> {
  safeParse(
    x: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

function parse<T>(schema: Schema<T>, body: unknown, path: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw apiError(
    "POST",
    path,
    400,
    "VALIDATION_FAILED",
    "Request validation failed",
    r.error.issues.map((i) => ({ path: `body.${i.path.map(String).join(".")}`, message: i.message })),
  );
}

export class FakeFirebreak implements FirebreakApi {
  readonly baseUrl = "http://fake.invalid";
  readonly imports: FleetImport[] = [];
  readonly computers = new Map<number, { siteCode: string; onlineRatio: number | undefined }>();
  readonly computerRecords = new Map<number, ComputerRecord>();
  readonly collections = new Map<string, Collection>();
  readonly sites = new Set<string>();
  readonly packages = new Map<string, Package>();
  readonly programs = new Map<string, Program>();
  readonly adverts = new Map<string, Advertisement>();
  readonly tokens = new Map<string, string[]>();
  readonly batches = new Map<string, StoredBatch>();
  /** Every ingest call in order (batch id, replay or not). */
  readonly ingestCalls: { kind: Kind; batchId: string; rows: number; replay: boolean }[] = [];
  /** Client state per advertisement|resource (message id of the latest event). */
  private readonly clientLatest = new Map<string, { time: number; messageId: number }>();
  dpStatusRoute = true;

  async importFleet(body: FleetImport): Promise<FleetImportResult> {
    const b = parse(FleetImportSchema, body, "/api/fleets/production/import");
    for (const s of b.sites ?? []) this.sites.add(s.siteCode);
    const requireSite = (code: string, path: string) => {
      if (!this.sites.has(code))
        throw apiError(
          "POST",
          "/api/fleets/production/import",
          400,
          "VALIDATION_FAILED",
          `${path} names site ${code}, which does not exist.`,
        );
    };
    (b.siteSystems ?? []).forEach((s, i) => requireSite(s.siteCode, `body.siteSystems.${i}.siteCode`));
    (b.computers ?? []).forEach((c, i) => {
      requireSite(c.siteCode, `body.computers.${i}.siteCode`);
      this.computers.set(c.resourceId, { siteCode: c.siteCode, onlineRatio: c.onlineRatio });
      this.computerRecords.set(c.resourceId, {
        ...c,
        id: "00000000-0000-4000-8000-0000000000ee",
        onlineRatio: c.onlineRatio ?? 1,
      });
    });
    for (const c of b.collections ?? []) {
      for (const id of c.memberResourceIds ?? [])
        if (!this.computers.has(id))
          throw apiError(
            "POST",
            "/api/fleets/production/import",
            400,
            "VALIDATION_FAILED",
            `collection ${c.collectionId} names unknown resource ${id}`,
          );
      this.collections.set(c.collectionId, c);
    }
    this.imports.push(body);
    return {
      sites: b.sites?.length ?? 0,
      siteSystems: b.siteSystems?.length ?? 0,
      boundaries: b.boundaries?.length ?? 0,
      senderAddresses: b.senderAddresses?.length ?? 0,
      computers: b.computers?.length ?? 0,
      collections: b.collections?.length ?? 0,
    };
  }

  private packageDetail(p: Package): PackageDetail {
    return {
      id: "00000000-0000-4000-8000-0000000000aa",
      version: 1,
      packageId: p.packageId,
      name: p.name,
      pkgVersion: p.version ?? null,
      manufacturer: null,
      language: null,
      sourceSite: p.sourceSite ?? null,
      sourceVersion: p.sourceVersion,
      sourceDate: "2026-01-01T00:00:00.000Z",
      sizeKB: p.sizeKB,
      sendingPriority: p.sendingPriority,
      preferredSender: p.preferredSender,
      ignoreAddressSchedule: p.ignoreAddressSchedule,
      kind: p.kind,
      updateIds: p.updateIds,
      dpCount: 0,
      dpCurrentCount: 0,
      programs: [],
      distributions: [],
    };
  }

  async createPackage(pkg: Package): Promise<PackageDetail> {
    const p = parse(PackageSchema, pkg, "/api/fleets/production/packages");
    if (this.packages.has(p.packageId))
      throw apiError(
        "POST",
        "/api/fleets/production/packages",
        409,
        "CONFLICT",
        `Package ${p.packageId} already exists.`,
      );
    this.packages.set(p.packageId, p);
    return this.packageDetail(p);
  }

  async getPackage(packageId: string): Promise<PackageDetail> {
    const p = this.packages.get(packageId);
    if (!p) throw apiError("GET", `/packages/${packageId}`, 404, "NOT_FOUND", `No package ${packageId}.`);
    return this.packageDetail(p);
  }

  private programRecord(p: Program): ProgramRecord {
    return {
      id: "00000000-0000-4000-8000-0000000000bb",
      version: 1,
      packageId: p.packageId,
      programName: p.programName,
      commandLine: p.commandLine,
      comment: p.comment ?? null,
      programFlags: p.programFlags,
      maxRunMinutes: p.maxRunMinutes,
      kind: p.kind,
      checksUpdatePresent: p.checksUpdatePresent,
      disabled: ProgramFlags.has(p.programFlags, "DISABLED"),
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
  }

  async createProgram(program: Program): Promise<ProgramRecord> {
    const p = parse(ProgramSchema, program, `/api/fleets/production/packages/${program.packageId}/programs`);
    if (!this.packages.has(p.packageId))
      throw apiError("POST", "/programs", 404, "NOT_FOUND", `No package ${p.packageId}.`);
    const key = `${p.packageId}|${p.programName}`;
    if (this.programs.has(key))
      throw apiError("POST", "/programs", 409, "CONFLICT", `Program ${p.programName} already exists.`);
    this.programs.set(key, p);
    return this.programRecord(p);
  }

  async getProgram(packageId: string, programName: string): Promise<ProgramRecord> {
    const p = this.programs.get(`${packageId}|${programName}`);
    if (!p) throw apiError("GET", "/programs", 404, "NOT_FOUND", `No program ${programName}.`);
    return this.programRecord(p);
  }

  /** What the console's "Disable this program on computers where it is advertised" does. */
  setProgramDisabled(packageId: string, programName: string, disabled: boolean): ProgramRecord {
    const key = `${packageId}|${programName}`;
    const p = this.programs.get(key);
    if (!p) throw apiError("PATCH", "/programs", 404, "NOT_FOUND", `No program ${programName}.`);
    const next = { ...p, programFlags: ProgramFlags.with(p.programFlags, "DISABLED", disabled) };
    this.programs.set(key, next);
    return this.programRecord(next);
  }

  private advertRecord(a: Advertisement): AdvertisementRecord {
    return {
      id: "00000000-0000-4000-8000-0000000000cc",
      version: 1,
      ...a,
      comment: a.comment ?? null,
      state: "ACTIVE",
      mandatory: true,
      mandatoryOverSlowLinks: true,
      allowUsersToRunIndependently: false,
      localDpMode: "DOWNLOAD",
      noLocalDpMode: "DOWNLOAD_REMOTE",
      forcesDialUpClients: true,
      forcesSlowBoundaryClients: true,
      programDisabled: false,
      updatedAt: "2026-01-01T00:00:00.000Z",
    };
  }

  async createAdvertisement(advert: Advertisement): Promise<AdvertisementRecord> {
    const a = parse(AdvertisementSchema, advert, "/api/fleets/production/advertisements");
    if (this.adverts.has(a.advertisementId))
      throw apiError("POST", "/advertisements", 409, "CONFLICT", `Advertisement ${a.advertisementId} already exists.`);
    if (!this.programs.has(`${a.packageId}|${a.programName}`))
      throw apiError("POST", "/advertisements", 400, "VALIDATION_FAILED", "no such program");
    this.adverts.set(a.advertisementId, a);
    return this.advertRecord(a);
  }

  async getAdvertisement(advertisementId: string): Promise<AdvertisementRecord> {
    const a = this.adverts.get(advertisementId);
    if (!a) throw apiError("GET", "/advertisements", 404, "NOT_FOUND", `No advertisement ${advertisementId}.`);
    return this.advertRecord(a);
  }

  /** What the console does when the ERT builds a collection (e.g. the machines that applied an update). */
  createCollection(collection: Collection): CollectionRecord {
    const c = parse(CollectionSchema, collection, "/api/fleets/production/collections");
    if (this.collections.has(c.collectionId))
      throw apiError("POST", "/collections", 409, "CONFLICT", `Collection ${c.collectionId} already exists.`);
    this.collections.set(c.collectionId, c);
    return this.collectionRecord(c);
  }

  private collectionRecord(c: Collection): CollectionRecord {
    return {
      id: "00000000-0000-4000-8000-0000000000ff",
      version: 1,
      collectionId: c.collectionId,
      name: c.name,
      parentCollectionId: c.parentCollectionId,
      rules: c.rules,
      purpose: c.purpose,
      memberCount: c.memberResourceIds?.length ?? 0,
      evaluatedAt: "2026-01-01T00:00:00.000Z",
    };
  }

  async getCollection(collectionId: string): Promise<CollectionRecord> {
    const c = this.collections.get(collectionId);
    if (!c) throw apiError("GET", "/collections", 404, "NOT_FOUND", `No collection ${collectionId}.`);
    return this.collectionRecord(c);
  }

  async listCollections(): Promise<CollectionRecord[]> {
    return [...this.collections.values()]
      .sort((a, b) => a.collectionId.localeCompare(b.collectionId))
      .map((c) => this.collectionRecord(c));
  }

  async listComputers(query: ListComputersParams): Promise<ComputerPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    if (pageSize > 500)
      throw apiError("GET", "/computers", 400, "VALIDATION_FAILED", "Request validation failed", [
        { path: "querystring.pageSize", message: "pageSize is at most 500" },
      ]);
    const members = query.collectionId
      ? new Set(this.collections.get(query.collectionId)?.memberResourceIds ?? [])
      : undefined;
    const all = [...this.computerRecords.values()]
      .filter((c) => (!members || members.has(c.resourceId)) && (!query.siteCode || c.siteCode === query.siteCode))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: all.length };
  }

  async advertisementStatus(advertisementId: string): Promise<AdvertisementStatusSummary> {
    let succeeded = 0;
    for (const [k, v] of this.clientLatest)
      if (k.startsWith(`${advertisementId}|`) && clientStateOfMessage(v.messageId) === "SUCCEEDED") succeeded++;
    return {
      advertisementId,
      targeted: 0,
      byState: { SUCCEEDED: succeeded },
      noStatus: 0,
      succeeded,
      failed: 0,
      compliancePct: 0,
    };
  }

  async createIngestToken(body: { name: string; siteCodes: string[] }): Promise<IngestTokenCreated> {
    const token = `fbi_fake_${this.tokens.size + 1}`;
    this.tokens.set(token, [...body.siteCodes]);
    return { id: "00000000-0000-4000-8000-0000000000dd", name: body.name, siteCodes: body.siteCodes, token };
  }

  private ingest(
    kind: Kind,
    path: string,
    token: string,
    batchId: string,
    rows: number,
    check: () => ErrorDetail[],
    apply: () => void,
  ): IngestResult {
    const scope = this.tokens.get(token);
    if (!scope)
      throw apiError(
        "POST",
        path,
        401,
        "UNAUTHENTICATED",
        "Send a valid ingest token as Authorization: Bearer <token>.",
      );
    const details = check();
    if (details.length)
      throw apiError("POST", path, 400, "VALIDATION_FAILED", "The batch was rejected and nothing was stored.", details);
    const stored = this.batches.get(batchId);
    if (stored) {
      if (stored.kind !== kind)
        throw apiError(
          "POST",
          path,
          409,
          "CONFLICT",
          `Batch id ${batchId} was already used for a ${stored.kind} batch.`,
        );
      this.ingestCalls.push({ kind, batchId, rows, replay: true });
      return { ...stored.result, replay: true };
    }
    apply();
    const result: IngestResult = { batchId, accepted: rows, clientStatesChanged: 0, ignoredAsOlder: 0, replay: false };
    this.ingestCalls.push({ kind, batchId, rows, replay: false });
    return result;
  }

  async postStatusMessages(token: string, batch: StatusBatch): Promise<IngestResult> {
    const path = "/api/ingest/status-messages";
    const b = parse(StatusBatchSchema, batch, path);
    const scope = this.tokens.get(token) ?? [];
    const result = this.ingest(
      "status",
      path,
      token,
      b.batchId,
      b.messages.length,
      () =>
        b.messages.flatMap((m, i) => [
          ...(scope.includes(m.siteCode)
            ? []
            : [{ path: `messages.${i}.siteCode`, message: `this token may not report for site ${m.siteCode}` }]),
          ...(this.adverts.has(m.advertisementId)
            ? []
            : [{ path: `messages.${i}.advertisementId`, message: `no advertisement ${m.advertisementId}` }]),
          ...(this.computers.has(m.resourceId)
            ? []
            : [{ path: `messages.${i}.resourceId`, message: `no computer with resource id ${m.resourceId}` }]),
          ...(clientStateOfMessage(m.messageId)
            ? []
            : [
                {
                  path: `messages.${i}.messageId`,
                  message: `${m.messageId} is not an advertisement status message id`,
                },
              ]),
        ]),
      () => {
        for (const m of b.messages) {
          const k = `${m.advertisementId}|${m.resourceId}`;
          const t = Date.parse(m.time);
          const cur = this.clientLatest.get(k);
          if (!cur || t >= cur.time) this.clientLatest.set(k, { time: t, messageId: m.messageId });
        }
      },
    );
    if (!result.replay) this.batches.set(b.batchId, { kind: "status", body: b, result });
    return result;
  }

  async postCompliance(token: string, batch: ComplianceBatch): Promise<IngestResult> {
    const path = "/api/ingest/compliance";
    const b = parse(ComplianceBatchSchema, batch, path);
    const scope = this.tokens.get(token) ?? [];
    const result = this.ingest(
      "compliance",
      path,
      token,
      b.batchId,
      b.rows.length,
      () =>
        b.rows.flatMap((r, i) => [
          ...(scope.includes(r.siteCode)
            ? []
            : [{ path: `rows.${i}.siteCode`, message: `this token may not report for site ${r.siteCode}` }]),
          ...(this.computers.has(r.resourceId)
            ? []
            : [{ path: `rows.${i}.resourceId`, message: `no computer with resource id ${r.resourceId}` }]),
        ]),
      () => undefined,
    );
    if (!result.replay) this.batches.set(b.batchId, { kind: "compliance", body: b, result });
    return result;
  }

  async postDpStatus(token: string, batch: DpStatusBatch): Promise<IngestResult> {
    const path = "/api/ingest/dp-status";
    if (!this.dpStatusRoute)
      throw apiError("POST", path, 404, "NOT_FOUND", "Route POST:/api/ingest/dp-status not found");
    const b = parse(DpStatusBatchSchema, batch, path);
    const scope = this.tokens.get(token) ?? [];
    const result = this.ingest(
      "dp-status",
      path,
      token,
      b.batchId,
      b.changes.length,
      () =>
        b.changes.flatMap((c, i) => [
          ...(scope.includes(c.siteCode)
            ? []
            : [{ path: `changes.${i}.siteCode`, message: `this token may not report for site ${c.siteCode}` }]),
          ...(this.packages.has(c.packageId)
            ? []
            : [{ path: `changes.${i}.packageId`, message: `no package ${c.packageId}` }]),
        ]),
      () => undefined,
    );
    if (!result.replay) this.batches.set(b.batchId, { kind: "dp-status", body: b, result });
    return result;
  }

  async hasRoute(method: string, path: string): Promise<boolean> {
    if (method.toLowerCase() === "post" && path === "/api/ingest/dp-status") return this.dpStatusRoute;
    return true;
  }

  /** Rows stored (not replays) by kind. */
  storedRows(kind: Kind): number {
    let n = 0;
    for (const b of this.batches.values())
      if (b.kind === kind)
        n +=
          "messages" in b.body ? b.body.messages.length : "rows" in b.body ? b.body.rows.length : b.body.changes.length;
    return n;
  }
}
