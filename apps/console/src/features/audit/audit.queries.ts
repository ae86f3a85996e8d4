import { AuditFacetsSchema, AuditPageSchema, AuditVerificationSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import type { AuditFilters } from "./audit.search-params";

export const auditKeys = {
  all: ["audit"] as const,
  lists: () => [...auditKeys.all, "list"] as const,
  list: (filters: AuditFilters) => [...auditKeys.lists(), filters] as const,
  facets: () => [...auditKeys.all, "facets"] as const,
  verify: () => [...auditKeys.all, "verify"] as const,
};

export const auditQueries = {
  list: (filters: AuditFilters) =>
    queryOptions({
      queryKey: auditKeys.list(filters),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/audit", AuditPageSchema, { query: { ...filters }, signal }),
    }),
  facets: () =>
    queryOptions({
      queryKey: auditKeys.facets(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/audit/facets", AuditFacetsSchema, { signal }),
      staleTime: 60_000,
    }),
  /** Walks the whole hash chain on the server; run on demand, never cached as fresh. */
  verify: () =>
    queryOptions({
      queryKey: auditKeys.verify(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/audit/verify", AuditVerificationSchema, { signal }),
      staleTime: 0,
      retry: false,
    }),
};
