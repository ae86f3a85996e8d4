import {
  DrillDetailSchema,
  DrillListSchema,
  DrillReportViewSchema,
  DrillScenarioListSchema,
  DrillStaffListSchema,
  DrillTrendsSchema,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";

export const drillKeys = {
  all: ["drills"] as const,
  list: () => [...drillKeys.all, "list"] as const,
  scenarios: () => [...drillKeys.all, "scenarios"] as const,
  staff: () => [...drillKeys.all, "staff"] as const,
  detail: (id: string) => [...drillKeys.all, "detail", id] as const,
  report: (id: string) => [...drillKeys.all, "report", id] as const,
  trends: () => [...drillKeys.all, "trends"] as const,
};

export const drillPath = (id: string, ...rest: string[]) =>
  ["/api/drills", encodeURIComponent(id), ...rest.map(encodeURIComponent)].join("/");

/** The umpire's page follows the drill clock and the injects. */
export const DRILL_POLL_MS = 5_000;

export const drillQueries = {
  list: () =>
    queryOptions({
      queryKey: drillKeys.list(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/drills", DrillListSchema, { signal }),
      refetchInterval: 30_000,
    }),
  scenarios: () =>
    queryOptions({
      queryKey: drillKeys.scenarios(),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/drills/scenarios", DrillScenarioListSchema, { signal }),
      staleTime: Number.POSITIVE_INFINITY,
    }),
  staff: () =>
    queryOptions({
      queryKey: drillKeys.staff(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/drills/staff", DrillStaffListSchema, { signal }),
      staleTime: 60_000,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: drillKeys.detail(id),
      queryFn: ({ client, signal }) => createApi(client).get(drillPath(id), DrillDetailSchema, { signal }),
      refetchInterval: DRILL_POLL_MS,
    }),
  report: (id: string) =>
    queryOptions({
      queryKey: drillKeys.report(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(drillPath(id, "report"), DrillReportViewSchema, { signal }),
    }),
  trends: () =>
    queryOptions({
      queryKey: drillKeys.trends(),
      queryFn: ({ client, signal }) => createApi(client).get("/api/drills/trends", DrillTrendsSchema, { signal }),
    }),
};
