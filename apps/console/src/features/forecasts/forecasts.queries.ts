import {
  ApplyForecastPreviewSchema,
  ForecastListSchema,
  ForecastRecordSchema,
  ForecastVsActualSchema,
  type ForecastRecord,
  type ForecastVariant,
} from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const forecastKeys = {
  all: [...fleetKeys.all, "forecasts"] as const,
  list: (q: { advertisementId?: string; caseId?: string }) => [...forecastKeys.all, "list", q] as const,
  detail: (id: string) => [...forecastKeys.all, "detail", id] as const,
  preview: (id: string, variant: ForecastVariant) => [...forecastKeys.all, "preview", id, variant] as const,
  vsActual: (caseId: string) => [...forecastKeys.all, "vs-actual", caseId] as const,
};

/** A forecast that is queued or running is read this often for its progress. */
export const FORECAST_POLL_MS = 1_000;

export const isUnderWay = (f: Pick<ForecastRecord, "status"> | undefined) =>
  f?.status === "QUEUED" || f?.status === "RUNNING";

export const forecastQueries = {
  list: (q: { advertisementId?: string; caseId?: string }) =>
    queryOptions({
      queryKey: forecastKeys.list(q),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("forecasts"), ForecastListSchema, { signal, query: { ...q, limit: 10 } }),
      staleTime: 5_000,
    }),
  /** Polled every second while it is under way; a finished forecast never changes (apart from "applied"). */
  detail: (id: string) =>
    queryOptions({
      queryKey: forecastKeys.detail(id),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("forecasts", id), ForecastRecordSchema, { signal }),
      refetchInterval: (query) => (isUnderWay(query.state.data) ? FORECAST_POLL_MS : false),
    }),
  /** What applying the variant would change now; read fresh each time the confirmation opens. */
  preview: (id: string, variant: ForecastVariant) =>
    queryOptions({
      queryKey: forecastKeys.preview(id, variant),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("forecasts", id, "apply-preview"), ApplyForecastPreviewSchema, {
          signal,
          query: { variant },
        }),
      staleTime: 0,
      gcTime: 0,
    }),
  /** The case's forecast beside the actual coverage; the actual curve moves with the rollout. */
  vsActual: (caseId: string) =>
    queryOptions({
      queryKey: forecastKeys.vsActual(caseId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(`/api/cases/${encodeURIComponent(caseId)}/forecast-vs-actual`, ForecastVsActualSchema, {
          signal,
        }),
      staleTime: 15_000,
      refetchInterval: 60_000,
    }),
};
