import {
  CaseDetailSchema,
  CasePageSchema,
  PriorityPolicyRecordSchema,
  SoftwareUpdateListSchema,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { triageApiQuery, type TriageFilters } from "./triage.search-params";
import { activeFleetRef } from "../fleet/fleet";

export const caseKeys = {
  all: ["cases"] as const,
  lists: () => [...caseKeys.all, "list"] as const,
  list: (filters: TriageFilters) => [...caseKeys.lists(), filters] as const,
  detail: (id: string) => [...caseKeys.all, "detail", id] as const,
};

export const updateKeys = {
  all: ["updates"] as const,
  list: () => [...updateKeys.all, "list"] as const,
};

export const policyKeys = { all: ["priority-policy"] as const };

/** SLA clocks move and other people work the same cases: boards refresh every 30 s and on focus. */
const LIVE = { staleTime: 10_000, refetchInterval: 30_000, refetchOnWindowFocus: true } as const;

export const caseQueries = {
  list: (filters: TriageFilters) =>
    queryOptions({
      queryKey: caseKeys.list(filters),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/cases", CasePageSchema, {
          signal,
          query: { ...triageApiQuery(filters), fleet: activeFleetRef() },
        }),
      ...LIVE,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: caseKeys.detail(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(`/api/cases/${encodeURIComponent(id)}`, CaseDetailSchema, { signal }),
      ...LIVE,
    }),
};

export const updateQueries = {
  list: () =>
    queryOptions({
      queryKey: updateKeys.list(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/updates", SoftwareUpdateListSchema, { signal }),
    }),
};

export const policyQueries = {
  current: () =>
    queryOptions({
      queryKey: policyKeys.all,
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/priority-policy", PriorityPolicyRecordSchema, { signal }),
      staleTime: 5 * 60_000,
    }),
};
