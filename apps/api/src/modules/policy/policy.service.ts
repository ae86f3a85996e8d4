import {
  AppError,
  DEFAULT_PRIORITY_POLICY,
  PriorityPolicySchema,
  type PriorityPolicy,
  type PriorityPolicyRecord,
} from "@firebreak/domain";
import type { Prisma } from "@firebreak/db";
import type { Db, DbClient } from "../../plugins/db.js";
import type { Actor } from "../../lib/actor.js";
import { staleVersion } from "../../lib/concurrency.js";
import { recordAudit, writeTransaction } from "../audit/audit.service.js";
import { policyRepository } from "./policy.repository.js";

/** The policy in force (the migration seeds Table 2; the default covers a database without the row). */
export async function loadPolicy(db: DbClient): Promise<PriorityPolicy> {
  const row = await policyRepository.get(db);
  return row ? PriorityPolicySchema.parse(row.policy) : DEFAULT_PRIORITY_POLICY;
}

export function createPolicyService(db: Db) {
  return {
    async get(): Promise<PriorityPolicyRecord> {
      const row = await policyRepository.get(db);
      if (!row) throw new AppError("NOT_FOUND", "No priority policy is stored.");
      return {
        policy: PriorityPolicySchema.parse(row.policy),
        version: row.version,
        updatedAt: row.updatedAt.toISOString(),
        updatedBy: row.updatedBy,
      };
    },
    async update(actor: Actor, version: number, policy: PriorityPolicy): Promise<PriorityPolicyRecord> {
      return writeTransaction(db, async (tx) => {
        const before = await policyRepository.get(tx);
        if (!before) throw new AppError("NOT_FOUND", "No priority policy is stored.");
        if (before.version !== version) throw staleVersion("priority policy");
        const after = await policyRepository.updateIfVersion(
          tx,
          version,
          policy as unknown as Prisma.InputJsonValue,
          actor.username,
        );
        if (!after) throw staleVersion("priority policy");
        await recordAudit(tx, actor, {
          action: "priority_policy.update",
          entityType: "priority_policy",
          entityId: "default",
          before: before.policy,
          after: after.policy,
        });
        return {
          policy: PriorityPolicySchema.parse(after.policy),
          version: after.version,
          updatedAt: after.updatedAt.toISOString(),
          updatedBy: after.updatedBy,
        };
      });
    },
  };
}
