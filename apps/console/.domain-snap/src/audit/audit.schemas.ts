import { z } from "zod";
import { PageQuerySchema, TimestampSchema, pageOf } from "../common/http.js";

export const AuditEntrySchema = z
  .object({
    seq: z.string().describe("Position in the chain (a 64-bit integer as a string)"),
    at: TimestampSchema,
    actorId: z.string().nullable(),
    actorName: z.string(),
    actorRole: z.string().nullable(),
    action: z.string().describe("dotted verb, e.g. `user.create`, `auth.login`"),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    requestId: z.string().nullable(),
    underAuthorityGrantId: z.string().nullable(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const ListAuditQuerySchema = PageQuerySchema.extend({
  actor: z.string().trim().max(100).optional().describe("actor username (exact)"),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional().describe("exact action, or a prefix ending in `.` e.g. `user.`"),
  from: TimestampSchema.optional(),
  to: TimestampSchema.optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: "`from` must not be after `to`", path: ["from"] });
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

export const AuditPageSchema = pageOf(AuditEntrySchema);
export type AuditPage = z.infer<typeof AuditPageSchema>;

export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe("entries checked"),
  firstBrokenSeq: z.string().nullable().describe("seq of the first entry whose link or content does not verify"),
  reason: z.string().nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;

export const AuditFacetsSchema = z.object({
  actions: z.array(z.string()),
  entityTypes: z.array(z.string()),
  actors: z.array(z.string()),
});
export type AuditFacets = z.infer<typeof AuditFacetsSchema>;
