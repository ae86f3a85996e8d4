import {
  PackageCleanupPlanSchema,
  RollbackDetailSchema,
  RollbackPageSchema,
  RollbackVerificationPreviewSchema,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { activeFleetRef } from "../fleet/fleet";

export interface RollbackListFilters {
  open?: boolean;
  updateId?: string;
  caseId?: string;
}

export const rollbackKeys = {
  all: ["rollbacks"] as const,
  lists: () => [...rollbackKeys.all, "list"] as const,
  list: (filters: RollbackListFilters) => [...rollbackKeys.lists(), filters] as const,
  detail: (id: string) => [...rollbackKeys.all, "detail", id] as const,
  cleanupPreview: (id: string) => [...rollbackKeys.all, "cleanup-preview", id] as const,
  verification: (id: string, graceHours: number | null) =>
    [...rollbackKeys.all, "verification", id, graceHours] as const,
  verifications: (id: string) => [...rollbackKeys.all, "verification", id] as const,
};

/** Rollbacks move while clients report: refresh every 30 s and on focus, like the case board. */
const LIVE = { staleTime: 10_000, refetchInterval: 30_000, refetchOnWindowFocus: true } as const;

export const rollbackQueries = {
  list: (filters: RollbackListFilters = {}) =>
    queryOptions({
      queryKey: rollbackKeys.list(filters),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/rollbacks", RollbackPageSchema, {
          signal,
          query: {
            pageSize: 200,
            open: filters.open === undefined ? undefined : String(filters.open),
            updateId: filters.updateId,
            caseId: filters.caseId,
            fleet: activeFleetRef(),
          },
        }),
      ...LIVE,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: rollbackKeys.detail(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(`/api/rollbacks/${encodeURIComponent(id)}`, RollbackDetailSchema, {
          signal,
          // Drill sandboxes copy ids: a rollback of another fleet answers 404.
          query: { fleet: activeFleetRef() },
        }),
      ...LIVE,
    }),
  /**
   * What verification would find now (the groups), read on demand: it joins every targeted
   * computer, so it is not part of the 30-second refresh.
   */
  verification: (id: string, graceHours: number | null) =>
    queryOptions({
      queryKey: rollbackKeys.verification(id, graceHours),
      queryFn: ({ client, signal }) =>
        createApi(client).get(
          `/api/rollbacks/${encodeURIComponent(id)}/verification`,
          RollbackVerificationPreviewSchema,
          {
            signal,
            query: { fleet: activeFleetRef(), graceHours: graceHours === null ? undefined : String(graceHours) },
          },
        ),
      staleTime: 60_000,
    }),
  cleanupPreview: (id: string) =>
    queryOptions({
      queryKey: rollbackKeys.cleanupPreview(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(`/api/rollbacks/${encodeURIComponent(id)}/cleanup-preview`, PackageCleanupPlanSchema, {
          signal,
          query: { fleet: activeFleetRef() },
        }),
    }),
};
