import type { RollbackDetail } from "@firebreak/domain";

/** The display name of a person the rollback record names by user id (`detail.people`). */
export function personName(detail: Pick<RollbackDetail, "people">, userId: string | null | undefined): string {
  if (!userId) return "nobody";
  return detail.people[userId] ?? "a team member";
}
