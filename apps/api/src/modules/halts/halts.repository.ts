import { Prisma } from "@firebreak/db";
import type { DbClient } from "../../plugins/db.js";
import { textLiteral, uuidLiteral } from "../../lib/sql.js";

const adSelect = {
  id: true,
  fleetId: true,
  advertisementId: true,
  advertisementName: true,
  state: true,
  version: true,
  program: {
    select: {
      id: true,
      programName: true,
      programFlags: true,
      kind: true,
      package: { select: { packageId: true, updateIds: true } },
    },
  },
} as const;
export type HaltAdvertisementRow = Prisma.AdvertisementGetPayload<{ select: typeof adSelect }>;

const ruleSelect = {
  id: true,
  fleetId: true,
  advertisementRowId: true,
  record: true,
  enabled: true,
  firedAt: true,
  firing: true,
  lastEvaluatedAt: true,
  lastError: true,
  lastErrorAt: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  advertisement: { select: { advertisementId: true } },
} as const;
export type HaltRuleRow = Prisma.HaltRuleGetPayload<{ select: typeof ruleSelect }>;

const haltSelect = {
  id: true,
  fleetId: true,
  advertisementRowId: true,
  programRowId: true,
  haltedAt: true,
  haltedBy: true,
  reason: true,
  automaticRule: true,
  haltRuleId: true,
  disabledProgram: true,
  disabledAdvertisement: true,
  caseIds: true,
  resumedAt: true,
  resumedBy: true,
  version: true,
  advertisement: {
    select: {
      advertisementId: true,
      program: { select: { programName: true, package: { select: { packageId: true } } } },
    },
  },
} as const;
export type ReleaseHaltRow = Prisma.ReleaseHaltGetPayload<{ select: typeof haltSelect }>;

/** Case states in which a case has deployed through its advertisement and may still act on it. */
const OWNING_STATES = ["DEPLOYING", "DEPLOYED", "HALTED", "ROLLING_BACK", "ROLLED_BACK"];

export interface StartRow {
  resourceId: number;
  machineName: string;
  siteCode: string;
  time: Date;
  receivedAt: Date;
}

/** "Program started": status_messages_program_started_idx covers exactly these rows (by arrival). */
const PROGRAM_STARTED = 10005;
const startColumns = "resource_id, machine_name, site_code, time, received_at";
const startOf = (r: {
  resource_id: number;
  machine_name: string;
  site_code: string;
  time: Date;
  received_at: Date;
}) => ({
  resourceId: r.resource_id,
  machineName: r.machine_name,
  siteCode: r.site_code,
  time: r.time,
  receivedAt: r.received_at,
});
type RawStart = Parameters<typeof startOf>[0];

const live = { state: { not: "DELETED" } } as const;

export const haltsRepository = {
  // ── advertisements, programs and cases a halt acts on

  findAdvertisement(db: DbClient, fleetId: string, advertisementId: string) {
    return db.advertisement.findFirst({ where: { fleetId, advertisementId, ...live }, select: adSelect });
  },

  /** Live advertisements of the fleet that install the update (package names it, program kind INSTALL). */
  advertisementsInstalling(db: DbClient, fleetId: string, kbNumber: string) {
    return this.advertisementsInstallingAll(db, fleetId, [kbNumber]);
  },

  /** Live install advertisements whose package carries every one of `kbNumbers` (decision 008). */
  advertisementsInstallingAll(db: DbClient, fleetId: string, kbNumbers: readonly string[]) {
    if (kbNumbers.length === 0) return Promise.resolve([]);
    return db.advertisement.findMany({
      where: {
        fleetId,
        ...live,
        program: { kind: "INSTALL", package: { deletedAt: null, updateIds: { hasEvery: [...kbNumbers] } } },
      },
      orderBy: { advertisementId: "asc" },
      select: adSelect,
    });
  },

  /** Every live advertisement of these programs (one disabled program stops all of them). */
  advertisementsOfPrograms(db: DbClient, fleetId: string, programRowIds: readonly string[]) {
    if (programRowIds.length === 0) return Promise.resolve([]);
    return db.advertisement.findMany({
      where: { fleetId, ...live, programRowId: { in: [...programRowIds] } },
      orderBy: { advertisementId: "asc" },
      select: adSelect,
    });
  },

  /** Serialises halts and resumes of one program (the last halt lifted decides whether it runs again). */
  async lockProgram(db: DbClient, programRowId: string): Promise<void> {
    await db.$queryRawUnsafe(`SELECT id FROM programs WHERE id = ${uuidLiteral(programRowId)} FOR UPDATE`);
  },

  findProgram(db: DbClient, programRowId: string) {
    return db.program.findUnique({
      where: { id: programRowId },
      select: { id: true, programFlags: true, programName: true, package: { select: { packageId: true } } },
    });
  },

  setProgramFlags(db: DbClient, programRowId: string, programFlags: bigint) {
    return db.program.update({
      where: { id: programRowId },
      data: { programFlags, version: { increment: 1 } },
      select: { id: true },
    });
  },

  findAdvertisementState(db: DbClient, id: string) {
    return db.advertisement.findUnique({ where: { id }, select: { id: true, advertisementId: true, state: true } });
  },

  setAdvertisementState(db: DbClient, id: string, state: "ACTIVE" | "DISABLED") {
    return db.advertisement.update({
      where: { id },
      data: { state, version: { increment: 1 } },
      select: { id: true },
    });
  },

  /** Ids of the fleet's cases whose release uses the advertisement, in the given states, oldest first. */
  async caseIdsOfAdvertisement(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    states: readonly string[] = OWNING_STATES,
  ): Promise<string[]> {
    if (states.length === 0) return [];
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM update_cases
       WHERE fleet_id = ${uuidLiteral(fleetId)} AND record->>'advertisementId' = ${textLiteral(advertisementId)}
         AND status IN (${states.map(textLiteral).join(",")})
       ORDER BY opened_at ASC`,
    );
    return rows.map((r) => r.id);
  },

  /** The case that deploys the advertisement now or last did (newest), for the console's halt and resume. */
  async owningCase(db: DbClient, fleetId: string, advertisementId: string) {
    const ids = await this.caseIdsOfAdvertisement(db, fleetId, advertisementId);
    if (ids.length === 0) return null;
    return db.updateCase.findFirst({
      where: { id: { in: ids } },
      orderBy: [{ updatedAt: "desc" }],
      select: {
        id: true,
        version: true,
        status: true,
        emergencyId: true,
        record: true,
        update: { select: { kbNumber: true } },
      },
    });
  },

  /** Cases by id, as a halt view lists them. */
  caseRefs(db: DbClient, ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.updateCase.findMany({
      where: { id: { in: [...ids] } },
      orderBy: { openedAt: "asc" },
      select: { id: true, version: true, status: true, emergencyId: true, update: { select: { kbNumber: true } } },
    });
  },

  /** Emergencies of the fleet that are not closed: an automatic halt alerts each war room. */
  openEmergencyIds(db: DbClient, fleetId: string): Promise<{ id: string }[]> {
    return db.emergency.findMany({ where: { fleetId, state: { not: "CLOSED" } }, select: { id: true } });
  },

  // ── halts in force

  /** Halts in force on one advertisement (normally one; two racing halts may leave two). */
  haltsInForceOfAdvertisement(db: DbClient, advertisementRowId: string) {
    return db.releaseHalt.findMany({
      where: { advertisementRowId, resumedAt: null },
      orderBy: { haltedAt: "asc" },
      select: haltSelect,
    });
  },

  /** Halts in force on any advertisement of the program. */
  haltsInForceOfProgram(db: DbClient, programRowId: string) {
    return db.releaseHalt.findMany({
      where: { programRowId, resumedAt: null },
      orderBy: { haltedAt: "asc" },
      select: haltSelect,
    });
  },

  /** Every halt in force in the fleet, newest first (the war room's alerts, the deployments list). */
  listHaltsInForce(db: DbClient, fleetId: string) {
    return db.releaseHalt.findMany({
      where: { fleetId, resumedAt: null },
      orderBy: { haltedAt: "desc" },
      take: 500,
      select: haltSelect,
    });
  },

  createHalt(db: DbClient, data: Prisma.ReleaseHaltUncheckedCreateInput) {
    return db.releaseHalt.create({ data, select: haltSelect });
  },

  /** A second halt joins the one in force: more cases, and the advertisement it may have disabled. */
  joinHalt(db: DbClient, id: string, data: { caseIds: string[]; disabledAdvertisement: boolean }) {
    return db.releaseHalt.update({
      where: { id },
      data: { ...data, version: { increment: 1 } },
      select: haltSelect,
    });
  },

  /** Lifts the halt only if it is still in force: of two racing resumes, one gets `true`. */
  async liftIfInForce(db: DbClient, id: string, data: { resumedAt: Date; resumedBy: string; resumeReason: string }) {
    const { count } = await db.releaseHalt.updateMany({
      where: { id, resumedAt: null },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },

  // ── halt rules

  findRule(db: DbClient, advertisementRowId: string) {
    return db.haltRule.findUnique({ where: { advertisementRowId }, select: ruleSelect });
  },

  findRuleById(db: DbClient, id: string) {
    return db.haltRule.findUnique({ where: { id }, select: ruleSelect });
  },

  createRule(db: DbClient, data: Prisma.HaltRuleUncheckedCreateInput) {
    return db.haltRule.create({ data, select: ruleSelect });
  },

  async updateRuleIfVersion(db: DbClient, id: string, version: number, data: Prisma.HaltRuleUncheckedUpdateManyInput) {
    const { count } = await db.haltRule.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    return count === 1;
  },

  /** Clears the firing and stores the record with its new counting start (re-arm). */
  async rearmIfVersion(db: DbClient, id: string, version: number, record: Prisma.InputJsonValue) {
    const { count } = await db.haltRule.updateMany({
      where: { id, version },
      data: { record, firedAt: null, firing: Prisma.DbNull, version: { increment: 1 } },
    });
    return count === 1;
  },

  async deleteRuleIfVersion(db: DbClient, id: string, version: number) {
    const { count } = await db.haltRule.deleteMany({ where: { id, version } });
    return count === 1;
  },

  /**
   * Marks the rule fired, only if it is still the armed version that was evaluated: of two
   * evaluations at once (batches, the sweep, other instances), exactly one gets `true`.
   */
  async fireIfArmed(db: DbClient, id: string, version: number, firedAt: Date, firing: Prisma.InputJsonValue) {
    const { count } = await db.haltRule.updateMany({
      where: { id, version, enabled: true, firedAt: null },
      data: { firedAt, firing, version: { increment: 1 } },
    });
    return count === 1;
  },

  /**
   * Notes an evaluation: when, and its error (null clears it). Not a change of the rule: neither
   * its version nor `updated_at` move, so nobody's If-Match goes stale for it.
   */
  async recordEvaluation(db: DbClient, id: string, at: Date, error: string | null): Promise<void> {
    const when = `${textLiteral(at.toISOString())}::timestamptz`;
    await db.$executeRawUnsafe(
      `UPDATE halt_rules SET last_evaluated_at = ${when}, last_error = ${error === null ? "NULL" : textLiteral(error.slice(0, 1000))},
         last_error_at = ${error === null ? "NULL" : when}
       WHERE id = ${uuidLiteral(id)}`,
    );
  },

  /** Switched-on, unfired rules of these advertisements (what a status batch may fire). */
  armedRules(db: DbClient, fleetId: string, advertisementIds: readonly string[]) {
    if (advertisementIds.length === 0) return Promise.resolve([]);
    return db.haltRule.findMany({
      where: {
        fleetId,
        enabled: true,
        firedAt: null,
        advertisement: { advertisementId: { in: [...advertisementIds] }, ...live },
      },
      select: ruleSelect,
    });
  },

  /** Every armed rule of every fleet (the periodic sweep). */
  allArmedRules(db: DbClient) {
    return db.haltRule.findMany({
      where: { enabled: true, firedAt: null, advertisement: live },
      orderBy: { lastEvaluatedAt: { sort: "asc", nulls: "first" } },
      select: ruleSelect,
    });
  },

  // ── what the rule and the verification read

  /**
   * Clients that finished the program (last result SUCCEEDED or FAILED) per site, from the folded
   * client states; `since` keeps only results reported from then on (a re-armed rule).
   */
  async finishedBySite(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    since: Date | null,
  ): Promise<{ siteCode: string; finished: number; failed: number }[]> {
    const rows = await db.$queryRawUnsafe<{ site_code: string; finished: bigint; failed: bigint }[]>(
      `SELECT c.site_code, count(*) AS finished, count(*) FILTER (WHERE s.last_state = 'FAILED') AS failed
       FROM client_advert_status s
       JOIN computers c ON c.fleet_id = s.fleet_id AND c.resource_id = s.resource_id
       WHERE s.fleet_id = ${uuidLiteral(fleetId)} AND s.advertisement_id = ${textLiteral(advertisementId)}
         AND s.last_state IN ('SUCCEEDED', 'FAILED')
         ${since ? `AND s.last_status_time >= ${textLiteral(since.toISOString())}::timestamptz` : ""}
       GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ siteCode: r.site_code, finished: Number(r.finished), failed: Number(r.failed) }));
  },

  /** The "program started" (10005) message of the advertisement that arrived last. */
  async lastStart(db: DbClient, fleetId: string, advertisementId: string): Promise<StartRow | null> {
    const rows = await db.$queryRawUnsafe<RawStart[]>(
      `SELECT ${startColumns} FROM status_messages
       WHERE fleet_id = ${uuidLiteral(fleetId)} AND advertisement_id = ${textLiteral(advertisementId)}
         AND message_id = ${PROGRAM_STARTED}
       ORDER BY received_at DESC, seq DESC LIMIT 1`,
    );
    return rows[0] ? startOf(rows[0]) : null;
  },

  /** The first "program started" messages received after `after`, in arrival order. */
  async startsReceivedAfter(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    after: Date,
    take: number,
  ): Promise<StartRow[]> {
    const rows = await db.$queryRawUnsafe<RawStart[]>(
      `SELECT ${startColumns} FROM status_messages
       WHERE fleet_id = ${uuidLiteral(fleetId)} AND advertisement_id = ${textLiteral(advertisementId)}
         AND message_id = ${PROGRAM_STARTED} AND received_at > ${textLiteral(after.toISOString())}::timestamptz
       ORDER BY received_at ASC, seq ASC LIMIT ${Math.max(1, Math.floor(take))}`,
    );
    return rows.map(startOf);
  },

  /**
   * Starts received after `after` (a message stored twice counts once), the machines behind them,
   * and those whose client time is not after `after` (possibly started before the halt).
   */
  async countStartsReceivedAfter(
    db: DbClient,
    fleetId: string,
    advertisementId: string,
    after: Date,
  ): Promise<{ starts: number; machines: number; possiblyBefore: number }> {
    const at = `${textLiteral(after.toISOString())}::timestamptz`;
    const rows = await db.$queryRawUnsafe<{ starts: bigint; machines: bigint; possibly_before: bigint }[]>(
      `SELECT count(DISTINCT (resource_id, time)) AS starts, count(DISTINCT resource_id) AS machines,
              count(DISTINCT (resource_id, time)) FILTER (WHERE time <= ${at}) AS possibly_before
       FROM status_messages
       WHERE fleet_id = ${uuidLiteral(fleetId)} AND advertisement_id = ${textLiteral(advertisementId)}
         AND message_id = ${PROGRAM_STARTED} AND received_at > ${at}`,
    );
    return {
      starts: Number(rows[0]?.starts ?? 0),
      machines: Number(rows[0]?.machines ?? 0),
      possiblyBefore: Number(rows[0]?.possibly_before ?? 0),
    };
  },
};
