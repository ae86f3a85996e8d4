import fp from "fastify-plugin";
import { AppError, PRODUCTION_FLEET_ID } from "@firebreak/domain";
import { drillsRepository as repo } from "./drills.repository.js";

/**
 * A drill's sandbox fleet is the evidence of its report: once the drill has ended (or was signed
 * off or cancelled), every write to it is refused with 409, whichever route it comes through —
 * `/fleets/:fleet/…`, a `fleet` in the body or query, or a case, emergency, out-of-band task or
 * rollback of the sandbox addressed by its id. Reads stay allowed. The drills routes themselves
 * (debrief, sign-off) and ingest (the sandbox's token is revoked at the end) are not guarded here.
 */

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const UNGUARDED = ["/api/drills", "/api/auth", "/api/users", "/api/ingest", "/api/priority-policy", "/api/updates"];
const BY_ID: [prefix: string, kind: "case" | "emergency" | "oobTask" | "rollback"][] = [
  ["/api/cases/:id", "case"],
  ["/api/emergencies/:id", "emergency"],
  ["/api/oob-tasks/:id", "oobTask"],
  ["/api/rollbacks/:id", "rollback"],
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OVER = new Set(["ENDED", "SIGNED_OFF", "CANCELLED"]);

const fleetRef = (v: unknown): string | null =>
  typeof v === "string" && UUID.test(v) && v !== PRODUCTION_FLEET_ID ? v : null;

export const sandboxWriteGuardPlugin = fp(
  async (app) => {
    app.addHook("preHandler", async (req) => {
      if (!WRITES.has(req.method)) return;
      const route = req.routeOptions.url ?? "";
      if (!route.startsWith("/api/") || UNGUARDED.some((p) => route.startsWith(p))) return;
      const params = (req.params ?? {}) as Record<string, unknown>;
      const refs = new Set<string>();
      for (const v of [
        params.fleet,
        (req.body as { fleet?: unknown } | null)?.fleet,
        (req.query as { fleet?: unknown } | null)?.fleet,
      ]) {
        const f = fleetRef(v);
        if (f) refs.add(f);
      }
      const byId = BY_ID.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`));
      if (byId && typeof params.id === "string" && UUID.test(params.id)) {
        const f = fleetRef(await repo.fleetOfEntity(app.prisma, byId[1], params.id));
        if (f) refs.add(f);
      }
      if (refs.size === 0) return;
      const drill = await repo.findStateBySandbox(app.prisma, [...refs]);
      if (!drill || !OVER.has(drill.state)) return;
      const how =
        drill.state === "CANCELLED" ? "was cancelled" : drill.state === "SIGNED_OFF" ? "is signed off" : "has ended";
      throw new AppError(
        "CONFLICT",
        `This is the sandbox fleet of the drill "${drill.title}", which ${how}: its data is the report's evidence and can no longer change. Leave the drill to work on production.`,
      );
    });
  },
  { name: "sandbox-write-guard" },
);
