import { OobTaskPageSchema, type OobTaskKind, type OobTaskState } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { activeFleetRef } from "../fleet/fleet";

export interface OobTaskFilters {
  emergencyId?: string;
  caseId?: string;
  state?: OobTaskState;
  kind?: OobTaskKind;
  /** Only tasks the signed-in user owns. */
  mine?: boolean;
  pageSize?: number;
}

export const oobKeys = {
  all: ["oob-tasks"] as const,
  list: (filters: OobTaskFilters) => [...oobKeys.all, "list", filters] as const,
};

export const oobQueries = {
  /** One state's column of the board (or any other filtered list); refreshed every 15 s and on focus. */
  list: (filters: OobTaskFilters) =>
    queryOptions({
      queryKey: oobKeys.list(filters),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/oob-tasks", OobTaskPageSchema, {
          signal,
          query: {
            fleet: filters.emergencyId || filters.caseId ? undefined : activeFleetRef(),
            emergencyId: filters.emergencyId,
            caseId: filters.caseId,
            state: filters.state,
            kind: filters.kind,
            mine: filters.mine ? "true" : undefined,
            pageSize: filters.pageSize ?? 50,
          },
        }),
      staleTime: 5_000,
      refetchInterval: 15_000,
      refetchOnWindowFocus: true,
    }),
};
