import { z } from "zod";

export const UuidSchema = z.uuid({ message: "must be a UUID" });
export const IdParamsSchema = z.object({ id: UuidSchema });
export type IdParams = z.infer<typeof IdParamsSchema>;

/** ISO-8601 timestamp on the wire. */
export const TimestampSchema = z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" });

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1, "page starts at 1").default(1),
  pageSize: z.coerce.number().int().min(1).max(500, "pageSize is at most 500").default(50),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  });
}

/** Optimistic concurrency: ETag = W/"<version>"; writes send it back in If-Match. */
export const etagFor = (version: number): string => `W/"${version}"`;
export function versionFromIfMatch(ifMatch: string | undefined): number | null {
  if (!ifMatch) return null;
  const m = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim());
  return m ? Number(m[1]) : Number.NaN;
}

export const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({
    kind: z.enum(["pglite", "postgres"]),
    reachable: z.boolean(),
    latestMigration: z.string().nullable(),
  }),
  version: z.string(),
  uptimeSeconds: z.number(),
});
export type Health = z.infer<typeof HealthSchema>;
