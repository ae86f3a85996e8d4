import type { z } from "zod";
import type { FastifyBaseLogger } from "fastify";
import {
  AppError,
  HaltFiringSchema,
  HaltRuleFieldsSchema,
  HaltRuleSchema,
  ProgramFlags,
  TimestampSchema,
  UpdateCaseSchema,
  canProcess,
  describeHaltRule,
  evaluateHaltRule,
  haltVerification,
  isAppError,
  priorityInForce,
  roleLabels,
  transitionCase,
  withProgramDisabled,
  type CaseActionInput,
  type HaltCaseRef,
  type HaltFiring,
  type HaltReason,
  type HaltReleaseResult,
  type HaltRule,
  type HaltRuleView,
  type HaltTallies,
  type HaltTarget,
  type HaltTargets,
  type HaltVerification,
  type HaltAdvertisementBody,
  type HaltedAdvertisement,
  type PutHaltRuleBody,
  type RearmHaltRuleBody,
  type ReleaseHaltList,
  type ReleaseHaltView,
  type ResumeAdvertisementBody,
  type ResumeResult,
  type TimelineEventInput,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import { systemActor, type Actor } from "../../lib/actor.js";
import { jsonSafe } from "../../lib/canonical-json.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { authorityRepository } from "../authority/authority.repository.js";
import { caseColumnsOf } from "../cases/cases.service.js";
import { casesRepository } from "../cases/cases.repository.js";
import type { FleetScope } from "../fleet/fleet-scope.js";
import { notifyStatusStored } from "../monitoring/monitoring.stream.js";
import { rollbacksRepository } from "../rollbacks/rollbacks.repository.js";
import { recordTimeline } from "../timeline/timeline.service.js";
import { haltRuleRunner } from "./halt-rules.runner.js";
import {
  haltsRepository as repo,
  type HaltAdvertisementRow,
  type HaltRuleRow,
  type ReleaseHaltRow,
} from "./halts.repository.js";

/**
 * Halting a release (product.md C8, domain.md §3.4 R1 and §8.3 W9): the program is disabled where
 * it is advertised (ProgramFlags DISABLED) — so every live advertisement of that program stops —
 * optionally the advertisements too, and every case that deploys through them moves to HALTED
 * through the case machine. Each halted advertisement gets a halt row (release_halts) that stays in
 * force until it is resumed: it holds when the halt began (the verification's reference), what it
 * changed (so a resume undoes only that) and the rule that fired it. Automatic halt rules do the
 * same when the failures they watch reach a threshold. Decision 008.
 */

const programEntity = (p: { programName: string; package: { packageId: string } }) =>
  `${p.package.packageId}/${p.programName}`;

const REFUSAL_CODE = {
  ILLEGAL_TRANSITION: "ILLEGAL_TRANSITION",
  FORBIDDEN: "FORBIDDEN",
  VALIDATION_FAILED: "VALIDATION_FAILED",
} as const;

/** Moves one case to HALTED through the case machine (timeline and audit included), at its current version. */
async function haltCase(
  tx: DbClient,
  actor: Actor,
  caseId: string,
  input: { reason: string; alsoDisableAdvertisement: boolean; automaticRule: string | null; now: Date },
): Promise<{ caseId: string; emergencyId: string | null }> {
  const row = await casesRepository.find(tx, caseId);
  if (!row) throw new AppError("NOT_FOUND", "No such case.");
  const record = UpdateCaseSchema.parse(row.record);
  const automatic = input.automaticRule !== null;
  if (!automatic && (!actor.userId || !actor.role)) {
    throw new AppError("FORBIDDEN", "Only a person, or an automatic halt rule, can halt a deployment.");
  }
  const grant =
    !automatic && actor.userId
      ? await authorityRepository.activeGrantFor(tx, actor.userId, input.now, { emergencyId: row.emergencyId })
      : null;
  const action: CaseActionInput = {
    type: "halt",
    reason: input.reason,
    alsoDisableAdvertisement: input.alsoDisableAdvertisement,
    ...(automatic ? { automaticRule: input.automaticRule! } : {}),
  };
  // An automatic halt skips the role check (case-machine.ts); the machine still records who: the rule.
  const caseActor = (hasActiveGrant: boolean) => ({
    userId: actor.userId ?? actor.username,
    role: actor.role ?? "OBSERVER",
    hasActiveGrant,
  });
  const result = transitionCase(record, action, { now: input.now, actor: caseActor(grant !== null) });
  if (!result.ok) {
    throw new AppError(REFUSAL_CODE[result.code], `Case for ${row.update.kbNumber}: ${result.reason}`);
  }
  const withoutGrant =
    grant === null ? result : transitionCase(record, action, { now: input.now, actor: caseActor(false) });
  const acting: Actor =
    grant !== null && !withoutGrant.ok && withoutGrant.code === "FORBIDDEN"
      ? { ...actor, authorityGrantId: grant.id }
      : actor;

  if (!(await casesRepository.updateIfVersion(tx, row.id, row.version, caseColumnsOf(result.next))))
    throw staleVersion("case");
  const events: TimelineEventInput[] = result.effects.flatMap((e) => (e.type === "TIMELINE" ? [e.event] : []));
  await recordTimeline(tx, acting, row.fleetId, events, { caseId: row.id, emergencyId: row.emergencyId });
  await recordAudit(tx, acting, {
    action: "case.halt",
    entityType: "case",
    entityId: row.id,
    before: { status: record.status, priority: priorityInForce(record) },
    after: {
      status: result.next.status,
      priority: priorityInForce(result.next),
      action: jsonSafe(action),
      automaticRule: input.automaticRule,
      warnings: result.warnings,
    },
  });
  return { caseId: row.id, emergencyId: row.emergencyId };
}

export interface HaltReleaseInput {
  fleetId: string;
  /** Halt every ongoing deployment of this update in the fleet (every install advertisement whose package names it). */
  kbNumber?: string;
  /** Halt every install advertisement whose package carries all of these updates (an automatic rule, "every deployment"). */
  kbNumbers?: readonly string[];
  /** Halt these advertisements (SMS ids). */
  advertisementIds?: string[];
  alsoDisableAdvertisement: boolean;
  reason: string;
  /** The sentence of the automatic halt rule that fired; skips the case machine's role check. */
  automaticRule?: string | null;
  /** The rule that fired (kept on the halt rows). */
  haltRuleId?: string | null;
  /** Cases of the named advertisements the caller already moved to HALTED (the case machine's own halt). */
  haltedCaseIds?: readonly string[];
  now: Date;
}

interface Target {
  row: HaltAdvertisementRow;
  why: HaltReason;
}

interface ProgramState {
  disabledBefore: boolean;
  /** The program is disabled because of a halt: this one, or one in force on it already. */
  disabledByHalt: boolean;
}

const WHY_ORDER: Record<HaltReason, number> = { NAMED: 0, SAME_UPDATE: 1, SAME_PROGRAM: 2 };

/**
 * The advertisements a halt acts on: the named ones, every install advertisement of the update(s),
 * and every live advertisement of their programs (the program is disabled for all of them).
 */
async function haltTargets(tx: DbClient, input: HaltReleaseInput): Promise<Target[]> {
  const targets = new Map<string, Target>();
  const add = (row: HaltAdvertisementRow, why: HaltReason) => {
    const had = targets.get(row.id);
    if (!had || WHY_ORDER[why] < WHY_ORDER[had.why]) targets.set(row.id, { row, why });
  };
  for (const id of new Set(input.advertisementIds ?? [])) {
    const row = await repo.findAdvertisement(tx, input.fleetId, id);
    if (!row) throw new AppError("NOT_FOUND", `No advertisement ${id}.`);
    add(row, "NAMED");
  }
  if (input.kbNumber)
    for (const row of await repo.advertisementsInstalling(tx, input.fleetId, input.kbNumber)) add(row, "SAME_UPDATE");
  if (input.kbNumbers?.length)
    for (const row of await repo.advertisementsInstallingAll(tx, input.fleetId, input.kbNumbers))
      add(row, "SAME_UPDATE");
  const programs = [...new Set([...targets.values()].map((t) => t.row.program.id))];
  for (const row of await repo.advertisementsOfPrograms(tx, input.fleetId, programs)) add(row, "SAME_PROGRAM");
  return [...targets.values()].sort((a, b) => a.row.advertisementId.localeCompare(b.row.advertisementId));
}

/**
 * One action halts a release, inside the caller's transaction (a writeTransaction: the audit
 * entries and timeline events commit with the change).
 *
 * The advertisements: the named ones (`advertisementIds`), every live install advertisement of the
 * update (`kbNumber`: its package names it; `kbNumbers`: its package carries all of them), and
 * every live advertisement of their programs — a disabled program stops all of them, so each one's
 * DEPLOYING / DEPLOYED cases move to HALTED too. An advertisement that is not named and is halted
 * already (program disabled, advertisement as asked, no case still deploying) is left out of the
 * result. For the others: the program is disabled (ProgramFlags DISABLED), optionally the
 * advertisement, every deploying case moves to HALTED through the case machine at its current
 * version (412 when it moved meanwhile), and a halt row records it (a halt in force joins it).
 * An advertisement that only shares the program and has no case gets no halt row of its own: it
 * runs again when the program does.
 *
 * The caller authorises a person's halt; the case machine still checks the person's role for each
 * case (`haltRelease`: ERT lead, SMS administrator, or an emergency-authority grant in the case's
 * emergency). An automatic halt (`automaticRule`) skips that check.
 */
export async function haltRelease(
  tx: DbClient,
  actor: Actor,
  input: HaltReleaseInput,
): Promise<{ halted: HaltedAdvertisement[] }> {
  if (!input.kbNumber && !input.kbNumbers?.length && !input.advertisementIds?.length) {
    throw new AppError("VALIDATION_FAILED", "Name the update (kbNumber) or the advertisements to halt.", {
      details: [{ path: "kbNumber", message: "or advertisementIds is required" }],
    });
  }
  const targets = await haltTargets(tx, input);
  const automaticRule = input.automaticRule ?? null;
  const haltedCaseIds = [...new Set(input.haltedCaseIds ?? [])];

  // Programs are locked in id order (two halts of overlapping releases cannot deadlock), then read.
  const programs = new Map<string, ProgramState>();
  for (const id of [...new Set(targets.map((t) => t.row.program.id))].sort()) {
    await repo.lockProgram(tx, id);
    const program = await repo.findProgram(tx, id);
    if (!program) throw new AppError("NOT_FOUND", "The program of an advertisement to halt is gone.");
    const disabledBefore = ProgramFlags.has(Number(program.programFlags), "DISABLED");
    const inForce = await repo.haltsInForceOfProgram(tx, id);
    programs.set(id, { disabledBefore, disabledByHalt: !disabledBefore || inForce.some((h) => h.disabledProgram) });
  }

  // What each advertisement needs; one not named and halted already is left alone.
  const work: (Target & { caseIds: string[]; extraCaseIds: string[] })[] = [];
  for (const t of targets) {
    const caseIds = await repo.caseIdsOfAdvertisement(tx, input.fleetId, t.row.advertisementId, [
      "DEPLOYING",
      "DEPLOYED",
    ]);
    const extraCaseIds = t.why === "NAMED" ? haltedCaseIds : [];
    const program = programs.get(t.row.program.id)!;
    const haltedAlready =
      program.disabledBefore &&
      (t.row.state === "DISABLED" || !input.alsoDisableAdvertisement) &&
      caseIds.length === 0 &&
      extraCaseIds.length === 0;
    if (haltedAlready && t.why !== "NAMED") continue;
    work.push({ ...t, caseIds, extraCaseIds });
  }

  // Each program once, naming every advertisement and case it stops.
  for (const [id, state] of programs) {
    const mine = work.filter((w) => w.row.program.id === id);
    if (state.disabledBefore || mine.length === 0) continue;
    const row = mine[0]!.row.program;
    const named = mine.find((w) => w.why === "NAMED") ?? mine[0]!;
    const before = Number(row.programFlags);
    const after = withProgramDisabled(before, true);
    await repo.setProgramFlags(tx, id, BigInt(after >>> 0));
    await recordAudit(tx, actor, {
      action: "program.disable",
      entityType: "program",
      entityId: programEntity(row),
      before: { programFlags: before, disabled: false },
      after: {
        programFlags: after,
        disabled: true,
        advertisementId: named.row.advertisementId,
        advertisementIds: mine.map((w) => w.row.advertisementId),
        caseIds: mine.flatMap((w) => [...w.extraCaseIds, ...w.caseIds]),
        reason: input.reason,
        automaticRule,
      },
    });
  }

  const halted: HaltedAdvertisement[] = [];
  for (const w of work) {
    const { row } = w;
    const program = programs.get(row.program.id)!;
    const context = {
      advertisementId: row.advertisementId,
      caseIds: [...w.extraCaseIds, ...w.caseIds],
      reason: input.reason,
      automaticRule,
    };
    let disabledAdvertisement = false;
    if (input.alsoDisableAdvertisement && row.state !== "DISABLED") {
      await repo.setAdvertisementState(tx, row.id, "DISABLED");
      await recordAudit(tx, actor, {
        action: "advertisement.disable",
        entityType: "advertisement",
        entityId: row.advertisementId,
        before: { state: row.state },
        after: { state: "DISABLED", ...context },
      });
      disabledAdvertisement = true;
    }
    for (const caseId of w.caseIds) {
      await haltCase(tx, actor, caseId, {
        reason: input.reason,
        alsoDisableAdvertisement: input.alsoDisableAdvertisement,
        automaticRule,
        now: input.now,
      });
    }
    const caseIds = context.caseIds;
    const [inForce] = await repo.haltsInForceOfAdvertisement(tx, row.id);
    let haltId: string | null = null;
    if (inForce) {
      const joined = [...new Set([...inForce.caseIds, ...caseIds])];
      if (joined.length !== inForce.caseIds.length || (disabledAdvertisement && !inForce.disabledAdvertisement)) {
        await repo.joinHalt(tx, inForce.id, {
          caseIds: joined,
          disabledAdvertisement: inForce.disabledAdvertisement || disabledAdvertisement,
        });
        await recordAudit(tx, actor, {
          action: "release_halt.join",
          entityType: "release_halt",
          entityId: row.advertisementId,
          before: {
            haltId: inForce.id,
            caseIds: inForce.caseIds,
            disabledAdvertisement: inForce.disabledAdvertisement,
          },
          after: {
            ...context,
            haltId: inForce.id,
            caseIds: joined,
            disabledAdvertisement: inForce.disabledAdvertisement || disabledAdvertisement,
          },
        });
      }
      haltId = inForce.id;
    } else if (w.why !== "SAME_PROGRAM" || caseIds.length > 0) {
      const created = await repo.createHalt(tx, {
        fleetId: input.fleetId,
        advertisementRowId: row.id,
        programRowId: row.program.id,
        haltedAt: input.now,
        haltedBy: actor.username,
        reason: input.reason,
        automaticRule,
        haltRuleId: input.haltRuleId ?? null,
        disabledProgram: program.disabledByHalt,
        disabledAdvertisement,
        caseIds,
      });
      await recordAudit(tx, actor, {
        action: "release_halt.create",
        entityType: "release_halt",
        entityId: row.advertisementId,
        after: {
          haltId: created.id,
          why: w.why,
          disabledProgram: program.disabledByHalt,
          disabledAdvertisement,
          haltRuleId: input.haltRuleId ?? null,
          ...context,
        },
      });
      haltId = created.id;
    }
    halted.push({
      advertisementId: row.advertisementId,
      packageId: row.program.package.packageId,
      programName: row.program.programName,
      programWasAlreadyDisabled: program.disabledBefore,
      advertisementDisabled: disabledAdvertisement || row.state === "DISABLED",
      caseIds,
      why: w.why,
      haltId,
    });
  }
  return { halted };
}

/**
 * The case machine's own halt (`POST /cases/:id/actions` halt): the same halt as every other,
 * with the case, already moved to HALTED by the caller, recorded on its advertisement's halt.
 */
export function haltForCase(
  tx: DbClient,
  actor: Actor,
  input: {
    fleetId: string;
    caseId: string;
    advertisementId: string;
    alsoDisableAdvertisement: boolean;
    reason: string;
    automaticRule: string | null;
    now: Date;
  },
) {
  return haltRelease(tx, actor, {
    fleetId: input.fleetId,
    advertisementIds: [input.advertisementId],
    haltedCaseIds: [input.caseId],
    alsoDisableAdvertisement: input.alsoDisableAdvertisement,
    reason: input.reason,
    automaticRule: input.automaticRule,
    now: input.now,
  });
}

// ── lifting a halt

interface Lifted {
  programEnabled: boolean;
  advertisementEnabled: boolean;
  /** Advertisements of the program whose halts still stand (the program stays disabled). */
  programStillDisabledBy: string[];
}

/**
 * Lifts one halt: the advertisement it disabled is active again, and the program runs again when
 * no other halt on it stands (and a halt, not someone before it, disabled it). Audited.
 */
async function liftHalt(
  tx: DbClient,
  actor: Actor,
  halt: ReleaseHaltRow,
  opts: { reason: string; now: Date; caseId: string | null },
): Promise<Lifted> {
  await repo.lockProgram(tx, halt.programRowId);
  if (
    !(await repo.liftIfInForce(tx, halt.id, {
      resumedAt: opts.now,
      resumedBy: actor.username,
      resumeReason: opts.reason,
    }))
  )
    throw new AppError(
      "PRECONDITION_FAILED",
      `The halt of ${halt.advertisement.advertisementId} was lifted by someone else meanwhile. Reload to see where it stands.`,
    );
  const context = { haltId: halt.id, caseId: opts.caseId, reason: opts.reason };
  let advertisementEnabled = false;
  if (halt.disabledAdvertisement) {
    const ad = await repo.findAdvertisementState(tx, halt.advertisementRowId);
    if (ad?.state === "DISABLED") {
      await repo.setAdvertisementState(tx, ad.id, "ACTIVE");
      await recordAudit(tx, actor, {
        action: "advertisement.enable",
        entityType: "advertisement",
        entityId: ad.advertisementId,
        before: { state: "DISABLED" },
        after: { state: "ACTIVE", ...context },
      });
      advertisementEnabled = true;
    }
  }
  const others = await repo.haltsInForceOfProgram(tx, halt.programRowId);
  const programStillDisabledBy = [...new Set(others.map((h) => h.advertisement.advertisementId))].sort();
  let programEnabled = false;
  if (others.length === 0 && halt.disabledProgram) {
    const program = await repo.findProgram(tx, halt.programRowId);
    const before = Number(program?.programFlags ?? 0);
    if (program && ProgramFlags.has(before, "DISABLED")) {
      const after = withProgramDisabled(before, false);
      await repo.setProgramFlags(tx, program.id, BigInt(after >>> 0));
      await recordAudit(tx, actor, {
        action: "program.enable",
        entityType: "program",
        entityId: programEntity(program),
        before: { programFlags: before, disabled: true },
        after: {
          programFlags: after,
          disabled: false,
          advertisementId: halt.advertisement.advertisementId,
          ...context,
        },
      });
      programEnabled = true;
    }
  }
  await recordAudit(tx, actor, {
    action: "release_halt.resume",
    entityType: "release_halt",
    entityId: halt.advertisement.advertisementId,
    before: { haltId: halt.id, haltedAt: halt.haltedAt, reason: halt.reason, automaticRule: halt.automaticRule },
    after: { resumedAt: opts.now, programEnabled, advertisementEnabled, programStillDisabledBy, ...context },
  });
  return { programEnabled, advertisementEnabled, programStillDisabledBy };
}

const stillDisabledNote = (programName: string, by: readonly string[]) =>
  `Program ${programName} stays disabled: the halt of ${by.length === 1 ? "advertisement" : "advertisements"} ${by.join(", ")} still stands. It runs again when the last halt on it is lifted.`;

/**
 * The case machine's resume of a case (its ENABLE_PROGRAM effect): lifts the halt of the case's
 * advertisement unless another halted case stands behind it too. Returns a note for the case's
 * timeline when the program stays disabled because another halt on it stands.
 */
export async function resumeForCase(
  tx: DbClient,
  actor: Actor,
  input: { fleetId: string; caseId: string; advertisementId: string; reason: string; now: Date },
): Promise<{ note: string | null }> {
  const ad = await repo.findAdvertisement(tx, input.fleetId, input.advertisementId);
  if (!ad) return { note: null };
  const name = programEntity(ad.program);
  const halts = await repo.haltsInForceOfAdvertisement(tx, ad.id);
  if (halts.length === 0) {
    // A case halt from before halts had rows of their own: the program runs again unless a halt of another advertisement of it stands.
    await repo.lockProgram(tx, ad.program.id);
    const others = await repo.haltsInForceOfProgram(tx, ad.program.id);
    if (others.length > 0)
      return { note: stillDisabledNote(name, [...new Set(others.map((h) => h.advertisement.advertisementId))]) };
    const before = Number(ad.program.programFlags);
    if (ProgramFlags.has(before, "DISABLED")) {
      const after = withProgramDisabled(before, false);
      await repo.setProgramFlags(tx, ad.program.id, BigInt(after >>> 0));
      await recordAudit(tx, actor, {
        action: "program.enable",
        entityType: "program",
        entityId: name,
        before: { programFlags: before, disabled: true },
        after: { programFlags: after, disabled: false, caseId: input.caseId },
      });
    }
    return { note: null };
  }
  const standing: string[] = [];
  let lifted: Lifted | null = null;
  for (const halt of halts) {
    const others = halt.caseIds.filter((id) => id !== input.caseId);
    const stillHalted = (await repo.caseRefs(tx, others)).filter((c) => c.status === "HALTED");
    if (stillHalted.length > 0) {
      standing.push(
        `The halt of ${ad.advertisementId} stands for ${stillHalted.map((c) => `case ${c.update.kbNumber}`).join(", ")}: resume ${stillHalted.length === 1 ? "it" : "them"} too.`,
      );
      continue;
    }
    lifted = await liftHalt(tx, actor, halt, { reason: input.reason, now: input.now, caseId: input.caseId });
  }
  if (standing.length > 0) return { note: `Program ${name} stays disabled. ${standing.join(" ")}` };
  if (lifted && !lifted.programEnabled && lifted.programStillDisabledBy.length > 0)
    return { note: stillDisabledNote(name, lifted.programStillDisabledBy) };
  return { note: null };
}

// ── halt rules: stored record, views

/** What the halt_rules.record column holds: the rule and where its counting starts. */
const StoredHaltRuleSchema = HaltRuleFieldsSchema.extend({ countSince: TimestampSchema.nullable().default(null) });
type StoredHaltRule = z.output<typeof StoredHaltRuleSchema>;

const storedOf = (row: HaltRuleRow): StoredHaltRule => StoredHaltRuleSchema.parse(row.record);
const ruleOf = (stored: StoredHaltRule): HaltRule => {
  const { countSince: _countSince, ...rule } = stored;
  return HaltRuleSchema.parse(rule);
};
const firingOf = (row: { firing: unknown }): HaltFiring | null => {
  const parsed = HaltFiringSchema.safeParse(row.firing);
  return parsed.success ? parsed.data : null;
};

const caseRefOf = (c: {
  id: string;
  version: number;
  status: string;
  emergencyId: string | null;
  update: { kbNumber: string };
}): HaltCaseRef => ({
  id: c.id,
  version: c.version,
  status: UpdateCaseSchema.shape.status.parse(c.status),
  kbNumber: c.update.kbNumber,
  emergencyId: c.emergencyId,
});

/** Per-site and overall tallies of the clients that finished the program. */
async function talliesOf(
  db: DbClient,
  fleetId: string,
  advertisementId: string,
  since: Date | null,
): Promise<HaltTallies> {
  const bySite = await repo.finishedBySite(db, fleetId, advertisementId, since);
  return {
    advertisementId,
    bySite,
    overall: bySite.reduce((t, s) => ({ finished: t.finished + s.finished, failed: t.failed + s.failed }), {
      finished: 0,
      failed: 0,
    }),
  };
}

async function haltViews(db: DbClient, halts: readonly ReleaseHaltRow[]): Promise<ReleaseHaltView[]> {
  const cases = new Map(
    (await repo.caseRefs(db, [...new Set(halts.flatMap((h) => h.caseIds))])).map((c) => [c.id, caseRefOf(c)]),
  );
  return halts.map((h) => ({
    id: h.id,
    version: h.version,
    advertisementId: h.advertisement.advertisementId,
    packageId: h.advertisement.program.package.packageId,
    programName: h.advertisement.program.programName,
    haltedAt: h.haltedAt.toISOString(),
    haltedBy: h.haltedBy,
    reason: h.reason,
    automaticRule: h.automaticRule,
    disabledProgram: h.disabledProgram,
    disabledAdvertisement: h.disabledAdvertisement,
    cases: h.caseIds.flatMap((id) => {
      const c = cases.get(id);
      return c ? [c] : [];
    }),
    resumedAt: h.resumedAt?.toISOString() ?? null,
    resumedBy: h.resumedBy,
  }));
}

/**
 * When the program was disabled and what started after it. The halt time is the halt in force on
 * the advertisement (or on another advertisement of its program), a fleet-owned row, else the
 * case's own halt; starts are matched by when they arrived (status_messages.received_at).
 */
export async function haltVerificationFor(
  db: DbClient,
  scope: FleetScope,
  advertisementId: string,
): Promise<HaltVerification> {
  const ad = await repo.findAdvertisement(db, scope.fleetId, advertisementId);
  if (!ad) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
  const [owning, adHalts, programHalts, last] = await Promise.all([
    repo.owningCase(db, scope.fleetId, advertisementId),
    repo.haltsInForceOfAdvertisement(db, ad.id),
    repo.haltsInForceOfProgram(db, ad.program.id),
    repo.lastStart(db, scope.fleetId, advertisementId),
  ]);
  const record = owning ? UpdateCaseSchema.safeParse(owning.record) : null;
  const caseHalt = record?.success && record.data.halt ? record.data.halt : null;
  const programDisabled = ProgramFlags.has(Number(ad.program.programFlags), "DISABLED");
  const halt = adHalts[0] ?? programHalts[0] ?? null;
  let haltedAt: Date | null = null;
  let haltSource: HaltVerification["haltSource"] = null;
  if (halt) {
    haltedAt = halt.haltedAt;
    haltSource = adHalts[0] ? "ADVERTISEMENT" : "PROGRAM";
  } else if (caseHalt && (programDisabled || ad.state === "DISABLED")) {
    haltedAt = new Date(caseHalt.haltedAt);
    haltSource = "CASE";
  }
  const [after, counted, haltView] = await Promise.all([
    haltedAt ? repo.startsReceivedAfter(db, scope.fleetId, advertisementId, haltedAt, 200) : Promise.resolve([]),
    haltedAt
      ? repo.countStartsReceivedAfter(db, scope.fleetId, advertisementId, haltedAt)
      : Promise.resolve({ starts: 0, machines: 0, possiblyBefore: 0 }),
    halt ? haltViews(db, [halt]) : Promise.resolve([]),
  ]);
  const key = (s: { resourceId: number; receivedAt: Date; time: Date }) =>
    `${s.resourceId}@${s.time.getTime()}@${s.receivedAt.getTime()}`;
  const listed = new Set(after.map(key));
  const starts = [...(last && !listed.has(key(last)) ? [last] : []), ...after].map((s) => ({
    ...s,
    time: s.time.toISOString(),
    receivedAt: s.receivedAt.toISOString(),
  }));
  const result = haltVerification({
    haltedAt,
    starts,
    startsAfterHaltTotal: counted.starts,
    machinesAfterHaltTotal: counted.machines,
    possiblyBeforeHaltTotal: counted.possiblyBefore,
  });
  const lastWords = result.lastStart
    ? `last program start received ${result.lastStart.receivedAt}`
    : "no program start reported";
  const summary =
    haltedAt === null && (programDisabled || ad.state === "DISABLED")
      ? `The ${programDisabled ? "program" : "advertisement"} is disabled, but not by a halt, so starts cannot be checked against a halt time; ${lastWords}.`
      : result.summary;
  return {
    ...result,
    summary,
    advertisementId,
    generatedAt: new Date().toISOString(),
    programDisabled,
    advertisementState: ad.state,
    haltSource,
    automaticRule: halt ? halt.automaticRule : haltSource === "CASE" ? (caseHalt?.automaticRule ?? null) : null,
    halt: haltView[0] ?? null,
    case: owning ? caseRefOf(owning) : null,
  };
}

// ── automatic halt rules: evaluation and firing

/** Status message ids of a program's result (failed 10006 / 10007, succeeded 10008 / 10009): only they move a rule. */
export const isProgramResult = (messageId: number) => messageId >= 10006 && messageId <= 10009;

const errorText = (err: unknown) =>
  isAppError(err) ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);

/** Fires a rule inside one transaction: marks it fired (once), halts the release, alerts, audits. */
async function fireRule(db: Db, row: HaltRuleRow, rule: HaltRule, firing: HaltFiring, requestId: string) {
  const advertisementId = row.advertisement.advertisementId;
  const fleetId = row.fleetId;
  const now = new Date();
  const actor = systemActor(requestId, "halt-rule");
  return writeTransaction(db, async (tx) => {
    if (!(await repo.fireIfArmed(tx, row.id, row.version, now, jsonSafe(firing) as Prisma.InputJsonValue)))
      return false;
    const ad = await repo.findAdvertisement(tx, fleetId, advertisementId);
    // "Any ongoing deployments of the update in question should be halted": every install
    // advertisement of a package carrying this package's update(s) (decision 008).
    const kbNumbers = ad?.program.kind === "INSTALL" ? ad.program.package.updateIds : [];
    const { halted } = await haltRelease(tx, actor, {
      fleetId,
      advertisementIds: [advertisementId],
      kbNumbers,
      alsoDisableAdvertisement: rule.alsoDisableAdvertisement,
      reason: "the failures reached the automatic halt rule's threshold",
      automaticRule: firing.sentence,
      haltRuleId: row.id,
      now,
    });
    const caseIds = halted.flatMap((h) => h.caseIds);
    const cases = caseIds.length ? await casesRepository.listByIds(tx, caseIds) : [];
    const event = (caseId: string | null, emergencyId: string | null): TimelineEventInput => ({
      type: "HALT_RULE_FIRED",
      at: now.toISOString(),
      actorId: null,
      caseId,
      emergencyId,
      summary: `ALERT: ${firing.sentence}. The release is halted; the ERT decides on resume or rollback.`,
      payload: {
        advertisementId,
        rule: firing.sentence,
        scope: firing.scope,
        siteCode: firing.siteCode,
        failed: firing.failed,
        finished: firing.finished,
      },
    });
    // Every war room of the fleet hears it: the cases' emergencies, and every other open one.
    const events = cases.map((c) => event(c.id, c.emergencyId));
    const alerted = new Set(cases.map((c) => c.emergencyId));
    for (const e of await repo.openEmergencyIds(tx, fleetId)) if (!alerted.has(e.id)) events.push(event(null, e.id));
    if (events.length === 0) events.push(event(null, null));
    await recordTimeline(tx, actor, fleetId, events);
    await recordAudit(tx, actor, {
      action: "halt_rule.fire",
      entityType: "halt_rule",
      entityId: advertisementId,
      before: { firedAt: null },
      after: { rule: firing.sentence, firing, description: describeHaltRule(rule), kbNumbers, halted },
    });
    return true;
  });
}

/**
 * Evaluates one armed rule now and fires it when its threshold is reached. A firing that fails
 * because a case moved meanwhile (412) is evaluated and tried once more with fresh rows. Throws
 * what the last try threw; the caller records it on the rule.
 */
export async function evaluateRuleNow(db: Db, initial: HaltRuleRow, requestId: string): Promise<HaltFiring | null> {
  let row: HaltRuleRow | null = initial;
  for (let attempt = 1; ; attempt++) {
    const stored = storedOf(row);
    const rule = ruleOf(stored);
    const tallies = await talliesOf(
      db,
      row.fleetId,
      row.advertisement.advertisementId,
      stored.countSince ? new Date(stored.countSince) : null,
    );
    const evaluation = evaluateHaltRule(rule, tallies);
    if (!evaluation.fires) return null;
    try {
      return (await fireRule(db, row, rule, evaluation.firing, requestId)) ? evaluation.firing : null;
    } catch (err) {
      if (attempt >= 2 || !isAppError(err) || err.code !== "PRECONDITION_FAILED") throw err;
      row = await repo.findRuleById(db, row.id);
      if (!row || !row.enabled || row.firedAt) return null;
    }
  }
}

/** Evaluates a rule, noting the outcome on it (its error, or that it evaluated cleanly). Never throws. */
export async function evaluateAndRecord(
  db: Db,
  row: HaltRuleRow,
  requestId: string,
  log: FastifyBaseLogger | null,
): Promise<HaltFiring | null> {
  const at = new Date();
  try {
    const fired = await evaluateRuleNow(db, row, requestId);
    if (fired) notifyStatusStored(db, row.fleetId, [row.advertisement.advertisementId]);
    await repo.recordEvaluation(db, row.id, at, null).catch(() => undefined);
    return fired;
  } catch (err) {
    const message = errorText(err);
    log?.warn(
      { err, advertisementId: row.advertisement.advertisementId, haltRuleId: row.id },
      "an automatic halt rule could not be evaluated or fired; it is evaluated again with the next status batch or sweep",
    );
    await repo
      .recordEvaluation(db, row.id, at, message)
      .catch((e: unknown) => log?.warn({ err: e }, "the halt rule's evaluation error could not be recorded"));
    return null;
  }
}

// ── the service behind the routes

const HALT_PERMISSION_WORDS = "the ERT lead or SMS administrator role, or an active emergency-authority grant";
const RESUME_PERMISSION_WORDS = "the ERT lead role, or an active emergency-authority grant in the case's emergency";

const targetOf = (row: HaltAdvertisementRow, halted: boolean, cases: HaltCaseRef[]): HaltTarget => ({
  advertisementId: row.advertisementId,
  advertisementName: row.advertisementName,
  packageId: row.program.package.packageId,
  programName: row.program.programName,
  state: row.state === "DISABLED" ? "DISABLED" : "ACTIVE",
  programDisabled: ProgramFlags.has(Number(row.program.programFlags), "DISABLED"),
  halted,
  cases,
});

export function createHaltsService(db: Db) {
  const runner = haltRuleRunner(db);

  async function adOrThrow(tx: DbClient, scope: FleetScope, advertisementId: string) {
    const ad = await repo.findAdvertisement(tx, scope.fleetId, advertisementId);
    if (!ad) throw new AppError("NOT_FOUND", `No advertisement ${advertisementId}.`);
    return ad;
  }

  /** haltRelease permission: the role, or a grant in the emergency of the advertisement's case. */
  async function authorise(actor: Actor, what: string, emergencyId: string | null, now: Date): Promise<Actor> {
    if (!actor.role || !actor.userId) throw new AppError("UNAUTHENTICATED", "Sign in first.");
    if (canProcess(actor.role, "haltRelease")) return actor;
    const grant = await authorityRepository.activeGrantFor(db, actor.userId, now, { emergencyId });
    if (grant && canProcess(actor.role, "haltRelease", true)) return { ...actor, authorityGrantId: grant.id };
    throw new AppError("FORBIDDEN", `${what} needs ${HALT_PERMISSION_WORDS}; your role is ${roleLabels[actor.role]}.`);
  }

  async function view(
    tx: DbClient,
    scope: FleetScope,
    ad: HaltAdvertisementRow,
    row: HaltRuleRow,
  ): Promise<HaltRuleView> {
    const stored = storedOf(row);
    const rule = ruleOf(stored);
    const [tallies, owning] = await Promise.all([
      talliesOf(tx, scope.fleetId, ad.advertisementId, stored.countSince ? new Date(stored.countSince) : null),
      repo.owningCase(tx, scope.fleetId, ad.advertisementId),
    ]);
    return {
      id: row.id,
      version: row.version,
      advertisementId: ad.advertisementId,
      rule,
      enabled: row.enabled,
      state: row.firedAt ? "FIRED" : row.enabled ? "ARMED" : "SWITCHED_OFF",
      countSince: stored.countSince,
      firedAt: row.firedAt?.toISOString() ?? null,
      firing: firingOf(row),
      current: evaluateHaltRule(rule, tallies).checks,
      lastEvaluatedAt: row.lastEvaluatedAt?.toISOString() ?? null,
      lastError:
        row.lastError !== null
          ? { at: (row.lastErrorAt ?? row.lastEvaluatedAt ?? row.updatedAt).toISOString(), message: row.lastError }
          : null,
      description: describeHaltRule(rule),
      case: owning ? caseRefOf(owning) : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function ruleOrThrow(tx: DbClient, ad: HaltAdvertisementRow) {
    const row = await repo.findRule(tx, ad.id);
    if (!row)
      throw new AppError(
        "NOT_FOUND",
        `Advertisement ${ad.advertisementId} has no halt rule. Set one with PUT to watch its failures.`,
      );
    return row;
  }

  const ruleAudit = (rule: HaltRule, enabled: boolean) => ({ ...rule, enabled, description: describeHaltRule(rule) });

  /** A rule just set, replaced or re-armed is evaluated at once: failures already past it fire it now. */
  const evaluateNow = (scope: FleetScope, advertisementId: string, requestId: string) =>
    runner.evaluate(scope.fleetId, [advertisementId], requestId, { throttle: false });

  async function targetsOf(scope: FleetScope, rows: readonly HaltAdvertisementRow[]): Promise<HaltTarget[]> {
    return Promise.all(
      rows.map(async (row) => {
        const [ids, halts] = await Promise.all([
          repo.caseIdsOfAdvertisement(db, scope.fleetId, row.advertisementId, ["DEPLOYING", "DEPLOYED"]),
          repo.haltsInForceOfAdvertisement(db, row.id),
        ]);
        return targetOf(row, halts.length > 0, (await repo.caseRefs(db, ids)).map(caseRefOf));
      }),
    );
  }

  return {
    async getRule(scope: FleetScope, advertisementId: string): Promise<HaltRuleView> {
      const ad = await adOrThrow(db, scope, advertisementId);
      return view(db, scope, ad, await ruleOrThrow(db, ad));
    },

    /**
     * Creates the rule (no If-Match) or replaces it (If-Match with the version read). Replacing
     * keeps a fired rule fired: re-arming is its own, audited action. After the change commits the
     * rule is evaluated at once.
     */
    async putRule(
      actor: Actor,
      scope: FleetScope,
      advertisementId: string,
      version: number | null,
      body: PutHaltRuleBody,
    ): Promise<{ view: HaltRuleView; created: boolean }> {
      const now = new Date();
      const ad = await adOrThrow(db, scope, advertisementId);
      const owning = await repo.owningCase(db, scope.fleetId, advertisementId);
      const acting = await authorise(actor, "Setting a halt rule", owning?.emergencyId ?? null, now);
      const { enabled, ...fields } = body;
      const rule = HaltRuleSchema.parse(fields);
      const created = await writeTransaction(db, async (tx) => {
        const existing = await repo.findRule(tx, ad.id);
        if (!existing) {
          if (version !== null) {
            throw new AppError(
              "PRECONDITION_FAILED",
              `Advertisement ${advertisementId} has no halt rule to replace (it may have been deleted). Reload, then send the rule without If-Match to create it.`,
            );
          }
          const stored: StoredHaltRule = { ...rule, countSince: null };
          await repo.createRule(tx, {
            fleetId: scope.fleetId,
            advertisementRowId: ad.id,
            record: jsonSafe(stored) as Prisma.InputJsonValue,
            enabled,
          });
          await recordAudit(tx, acting, {
            action: "halt_rule.create",
            entityType: "halt_rule",
            entityId: advertisementId,
            after: ruleAudit(rule, enabled),
          });
          return true;
        }
        if (version === null) {
          throw new AppError(
            "PRECONDITION_REQUIRED",
            `Advertisement ${advertisementId} has a halt rule already: send If-Match with the version you read (the ETag, e.g. W/"${existing.version}") to replace it.`,
          );
        }
        if (existing.version !== version) throw staleVersion("halt rule");
        // A rule whose stored record no longer parses can still be replaced.
        const previous = StoredHaltRuleSchema.safeParse(existing.record);
        const stored: StoredHaltRule = { ...rule, countSince: previous.success ? previous.data.countSince : null };
        if (
          !(await repo.updateRuleIfVersion(tx, existing.id, version, {
            record: jsonSafe(stored) as Prisma.InputJsonValue,
            enabled,
          }))
        )
          throw staleVersion("halt rule");
        await recordAudit(tx, acting, {
          action: "halt_rule.update",
          entityType: "halt_rule",
          entityId: advertisementId,
          before: previous.success ? ruleAudit(ruleOf(previous.data), existing.enabled) : { record: existing.record },
          after: ruleAudit(rule, enabled),
        });
        return false;
      });
      await evaluateNow(scope, advertisementId, actor.requestId);
      return { view: await this.getRule(scope, advertisementId), created };
    },

    async deleteRule(actor: Actor, scope: FleetScope, advertisementId: string, version: number): Promise<void> {
      const now = new Date();
      const ad = await adOrThrow(db, scope, advertisementId);
      const owning = await repo.owningCase(db, scope.fleetId, advertisementId);
      const acting = await authorise(actor, "Removing a halt rule", owning?.emergencyId ?? null, now);
      await writeTransaction(db, async (tx) => {
        const existing = await ruleOrThrow(tx, ad);
        if (existing.version !== version || !(await repo.deleteRuleIfVersion(tx, existing.id, version)))
          throw staleVersion("halt rule");
        await recordAudit(tx, acting, {
          action: "halt_rule.delete",
          entityType: "halt_rule",
          entityId: advertisementId,
          // The stored record as it is (even one that no longer parses: removing it must still work).
          before: { record: existing.record, enabled: existing.enabled, firedAt: existing.firedAt },
        });
      });
    },

    /**
     * Re-arms a fired rule. It then counts only results reported from now on, so the failures that
     * fired it (still the clients' last results) do not fire it again; it is evaluated at once.
     */
    async rearmRule(
      actor: Actor,
      scope: FleetScope,
      advertisementId: string,
      version: number,
      body: RearmHaltRuleBody,
    ): Promise<HaltRuleView> {
      const now = new Date();
      const ad = await adOrThrow(db, scope, advertisementId);
      const owning = await repo.owningCase(db, scope.fleetId, advertisementId);
      const acting = await authorise(actor, "Re-arming a halt rule", owning?.emergencyId ?? null, now);
      await writeTransaction(db, async (tx) => {
        const existing = await ruleOrThrow(tx, ad);
        if (existing.version !== version) throw staleVersion("halt rule");
        if (!existing.firedAt) {
          throw new AppError(
            "CONFLICT",
            `The halt rule of ${advertisementId} has not fired, so there is nothing to re-arm.`,
          );
        }
        const previous = storedOf(existing);
        const stored: StoredHaltRule = { ...previous, countSince: now.toISOString() };
        if (!(await repo.rearmIfVersion(tx, existing.id, version, jsonSafe(stored) as Prisma.InputJsonValue)))
          throw staleVersion("halt rule");
        await recordAudit(tx, acting, {
          action: "halt_rule.rearm",
          entityType: "halt_rule",
          entityId: advertisementId,
          before: { firedAt: existing.firedAt, firing: firingOf(existing)?.sentence ?? null },
          after: {
            countSince: stored.countSince,
            note: body.note ?? null,
            description: describeHaltRule(ruleOf(stored)),
          },
        });
      });
      await evaluateNow(scope, advertisementId, actor.requestId);
      return this.getRule(scope, advertisementId);
    },

    /** What halting the advertisement would stop: its program's advertisements, or every deployment of its update(s). */
    async targets(scope: FleetScope, advertisementId: string): Promise<HaltTargets> {
      const ad = await adOrThrow(db, scope, advertisementId);
      const kbNumbers = [...ad.program.package.updateIds];
      const sameUpdate =
        ad.program.kind === "INSTALL" ? await repo.advertisementsInstallingAll(db, scope.fleetId, kbNumbers) : [];
      const [release, wide] = await Promise.all([
        repo.advertisementsOfPrograms(db, scope.fleetId, [ad.program.id]),
        repo.advertisementsOfPrograms(db, scope.fleetId, [
          ...new Set([ad.program.id, ...sameUpdate.map((a) => a.program.id)]),
        ]),
      ]);
      return {
        advertisementId,
        kbNumbers,
        release: await targetsOf(scope, release),
        everyDeployment: await targetsOf(scope, wide),
      };
    },

    /** The one halt action on an advertisement (and the cases deploying through the advertisements it stops). */
    async haltAdvertisement(
      actor: Actor,
      scope: FleetScope,
      advertisementId: string,
      body: HaltAdvertisementBody,
    ): Promise<HaltReleaseResult> {
      const now = new Date();
      const ad = await adOrThrow(db, scope, advertisementId);
      const owning = await repo.owningCase(db, scope.fleetId, advertisementId);
      const acting = await authorise(actor, "Halting a deployment", owning?.emergencyId ?? null, now);
      const kbNumbers = body.everyDeploymentOfUpdate ? [...ad.program.package.updateIds] : [];
      if (body.everyDeploymentOfUpdate && (kbNumbers.length === 0 || ad.program.kind !== "INSTALL")) {
        throw new AppError(
          "VALIDATION_FAILED",
          `Package ${ad.program.package.packageId} names no update, or ${advertisementId} does not install one: halt this deployment alone.`,
          { details: [{ path: "body.everyDeploymentOfUpdate", message: "no update to halt every deployment of" }] },
        );
      }
      const result = await writeTransaction(db, (tx) =>
        haltRelease(tx, acting, {
          fleetId: scope.fleetId,
          advertisementIds: [advertisementId],
          kbNumbers,
          alsoDisableAdvertisement: body.alsoDisableAdvertisement,
          reason: body.reason,
          now,
        }),
      );
      notifyStatusStored(
        db,
        scope.fleetId,
        result.halted.map((h) => h.advertisementId),
      );
      return result;
    },

    /**
     * Lifts the halt of an advertisement that no halted case stands behind (a case is resumed
     * through its own action). Needs the permission of a case's resume: the ERT lead, or an
     * active emergency-authority grant in the emergency of a case of the advertisement.
     */
    async resumeAdvertisement(
      actor: Actor,
      scope: FleetScope,
      advertisementId: string,
      body: ResumeAdvertisementBody,
    ): Promise<ResumeResult> {
      if (!actor.role || !actor.userId) throw new AppError("UNAUTHENTICATED", "Sign in first.");
      const now = new Date();
      const ad = await adOrThrow(db, scope, advertisementId);
      const owning = await repo.owningCase(db, scope.fleetId, advertisementId);
      let acting: Actor = actor;
      if (!canProcess(actor.role, "authoriseRollback")) {
        const grant = await authorityRepository.activeGrantFor(db, actor.userId, now, {
          emergencyId: owning?.emergencyId ?? null,
        });
        if (!grant || !canProcess(actor.role, "authoriseRollback", true))
          throw new AppError(
            "FORBIDDEN",
            `Resuming a halted deployment needs ${RESUME_PERMISSION_WORDS}; your role is ${roleLabels[actor.role]}.`,
          );
        acting = { ...actor, authorityGrantId: grant.id };
      }
      const result = await writeTransaction(db, async (tx) => {
        const halts = await repo.haltsInForceOfAdvertisement(tx, ad.id);
        if (halts.length === 0) {
          throw new AppError(
            "CONFLICT",
            `${advertisementId} has no halt in force${ProgramFlags.has(Number(ad.program.programFlags), "DISABLED") ? "; its program was disabled otherwise — enable it in the program's settings" : ""}.`,
          );
        }
        const caseIds = [...new Set(halts.flatMap((h) => h.caseIds))];
        const blocking = (await repo.caseRefs(tx, caseIds)).filter(
          (c) => c.status === "HALTED" || c.status === "ROLLING_BACK",
        );
        const halted = blocking.find((c) => c.status === "HALTED");
        if (halted)
          throw new AppError(
            "CONFLICT",
            `Case ${halted.update.kbNumber} stands behind this halt: resume it from the case (its resume lifts the halt), or start a rollback there.`,
            { details: [{ path: "caseId", message: halted.id }] },
          );
        if (blocking[0])
          throw new AppError(
            "CONFLICT",
            `Case ${blocking[0].update.kbNumber} is rolling back: the deployment cannot resume underneath the rollback.`,
          );
        for (const id of caseIds) {
          const rollback = await rollbacksRepository.findOpenForCase(tx, id);
          if (rollback)
            throw new AppError(
              "CONFLICT",
              `A rollback of this update is open (rollback ${rollback.id}): cancel it before resuming the deployment.`,
            );
        }
        let lifted: Lifted = { programEnabled: false, advertisementEnabled: false, programStillDisabledBy: [] };
        for (const halt of halts) {
          const l = await liftHalt(tx, acting, halt, { reason: body.reason, now, caseId: null });
          lifted = {
            programEnabled: lifted.programEnabled || l.programEnabled,
            advertisementEnabled: lifted.advertisementEnabled || l.advertisementEnabled,
            programStillDisabledBy: l.programStillDisabledBy,
          };
        }
        return lifted;
      });
      notifyStatusStored(db, scope.fleetId, [advertisementId]);
      const name = programEntity(ad.program);
      const summary = result.programEnabled
        ? `The halt of ${advertisementId} is lifted: program ${name} runs again${result.advertisementEnabled ? ` and ${advertisementId} is active again` : ""}.`
        : result.programStillDisabledBy.length > 0
          ? `The halt of ${advertisementId} is lifted${result.advertisementEnabled ? ` and it is active again` : ""}. ${stillDisabledNote(name, result.programStillDisabledBy)}`
          : `The halt of ${advertisementId} is lifted${result.advertisementEnabled ? ` and it is active again` : ""}; program ${name} was disabled before the halt and stays so.`;
      return { advertisementId, ...result, summary };
    },

    /** The halts in force in the fleet, newest first (the war room's alerts). */
    async listInForce(scope: FleetScope): Promise<ReleaseHaltList> {
      return { items: await haltViews(db, await repo.listHaltsInForce(db, scope.fleetId)) };
    },

    verification(scope: FleetScope, advertisementId: string): Promise<HaltVerification> {
      return haltVerificationFor(db, scope, advertisementId);
    },

    /**
     * Evaluates the armed rules of these advertisements now, firing those whose threshold is
     * reached (once, even when evaluations race). Never throws; errors are noted on the rule.
     */
    evaluateAfterStatus(
      fleetId: string,
      advertisementIds: readonly string[],
      requestId: string,
      log?: FastifyBaseLogger,
    ): Promise<HaltFiring[]> {
      return runner.evaluate(fleetId, advertisementIds, requestId, { throttle: false, log });
    },
  };
}
export type HaltsService = ReturnType<typeof createHaltsService>;
