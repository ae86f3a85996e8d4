import { z } from "zod";
import { TimestampSchema } from "../common/http.js";
import type { Role } from "../auth/roles.js";
import { toEpochMs, type TimeInput } from "../sms/transfer.js";
import { AUTHORITY_GRANTEE_ROLES } from "./permissions.js";

/**
 * Time-boxed emergency authority (domain.md §2.7, §3.1; product.md C12): when the core ERT cannot
 * gather, the ERT lead lends a named member the lead's authority for a few hours, with a
 * justification. Active from `startsAt` (inclusive) to `expiresAt` (exclusive), unless revoked.
 */

export const MAX_GRANT_HOURS = 72;
export const MIN_GRANT_JUSTIFICATION = 20;
const MS_PER_HOUR = 3_600_000;

export const GrantJustificationSchema = z
  .string({ message: "Say why the authority is needed" })
  .trim()
  .min(MIN_GRANT_JUSTIFICATION, `Say why the authority is needed, in at least ${MIN_GRANT_JUSTIFICATION} characters`)
  .max(2000, "Use at most 2,000 characters");

export const AuthorityGrantSchema = z
  .object({
    granteeId: z.string().min(1, "Choose who receives the authority"),
    grantedById: z.string().min(1),
    /** Must be ERT_LEAD: a grantee cannot pass the authority on. */
    grantedByRole: z.literal("ERT_LEAD", { message: "Only the ERT lead can grant emergency authority" }),
    justification: GrantJustificationSchema,
    startsAt: TimestampSchema,
    expiresAt: TimestampSchema,
    revokedAt: TimestampSchema.nullable().optional(),
    revokedById: z.string().nullable().optional(),
  })
  .superRefine((g, ctx) => {
    const start = Date.parse(g.startsAt);
    const end = Date.parse(g.expiresAt);
    if (end <= start)
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "The grant must expire after it starts" });
    else if (end - start > MAX_GRANT_HOURS * MS_PER_HOUR) {
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: `A grant lasts at most ${MAX_GRANT_HOURS} hours` });
    }
    if (g.granteeId === g.grantedById)
      ctx.addIssue({ code: "custom", path: ["granteeId"], message: "The ERT lead already holds the authority" });
  });
export type AuthorityGrant = z.infer<typeof AuthorityGrantSchema>;

export const GRANT_STATUSES = ["PENDING", "ACTIVE", "EXPIRED", "REVOKED"] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];
export const grantStatusLabels: Record<GrantStatus, string> = {
  PENDING: "Not started yet",
  ACTIVE: "Active",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
};

type GrantTimes = Pick<AuthorityGrant, "startsAt" | "expiresAt"> & { revokedAt?: string | null };

export function grantStatus(grant: GrantTimes, now: TimeInput): GrantStatus {
  const t = toEpochMs(now);
  if (grant.revokedAt && Date.parse(grant.revokedAt) <= t) return "REVOKED";
  if (t < Date.parse(grant.startsAt)) return "PENDING";
  if (t >= Date.parse(grant.expiresAt)) return "EXPIRED";
  return "ACTIVE";
}

export const isGrantActive = (grant: GrantTimes, now: TimeInput): boolean => grantStatus(grant, now) === "ACTIVE";

/** Does this user hold an active grant among `grants`? */
export const hasActiveGrant = (
  grants: readonly (GrantTimes & { granteeId: string })[],
  userId: string,
  now: TimeInput,
): boolean => grants.some((g) => g.granteeId === userId && isGrantActive(g, now));

/**
 * Who may issue a grant to whom. Returns a message to show, or null when allowed. The issuer's
 * own grant never counts: authority is lent, not passed on.
 */
export function grantIssueProblem(issuerRole: Role, granteeRole: Role): string | null {
  if (issuerRole !== "ERT_LEAD") return "Only the ERT lead can grant emergency authority.";
  if (granteeRole === "ERT_LEAD") return "The ERT lead already holds emergency authority.";
  if (!AUTHORITY_GRANTEE_ROLES.includes(granteeRole))
    return "Emergency authority can go to an ERT member or an SMS administrator only.";
  return null;
}
