import {
  ApplyForecastResultSchema,
  ForecastRecordSchema,
  etagFor,
  type CreateForecastBodyInput,
  type ForecastVariant,
} from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { advertisementKeys } from "../advertisements/advertisements.queries";
import { caseKeys } from "../cases/cases.queries";
import { fleetKeys, fleetPath } from "../fleet/fleet";
import { forecastKeys } from "./forecasts.queries";

/** POST …/forecasts: answered at once (202) with the queued forecast, which is then polled. */
export function useStartForecast() {
  return useMutation({
    mutationFn: (body: CreateForecastBodyInput, { client }) =>
      createApi(client).post(fleetPath("forecasts"), body, ForecastRecordSchema),
    onSuccess: (record, _v, _r, { client }) => {
      client.setQueryData(forecastKeys.detail(record.id), record);
      void client.invalidateQueries({ queryKey: [...forecastKeys.all, "list"] });
    },
  });
}

export interface ApplyVariantVariables {
  forecastId: string;
  variant: ForecastVariant;
  /** The advertisement's version the confirmation showed (If-Match). */
  advertisementVersion: number;
}

/** POST …/forecasts/:id/apply: the advertisement, sender addresses and Courier delivery change. */
export function useApplyVariant() {
  return useMutation({
    mutationFn: ({ forecastId, variant, advertisementVersion }: ApplyVariantVariables, { client }) =>
      createApi(client).post(fleetPath("forecasts", forecastId, "apply"), { variant }, ApplyForecastResultSchema, {
        headers: { "if-match": etagFor(advertisementVersion) },
      }),
    onSuccess: (result, { forecastId }, _r, { client }) => {
      client.setQueryData(advertisementKeys.detail(result.advertisement.advertisementId), result.advertisement);
      void client.invalidateQueries({ queryKey: forecastKeys.detail(forecastId) });
      void client.invalidateQueries({ queryKey: [...forecastKeys.all, "list"] });
      // Sender addresses, packages and tasks moved too.
      void client.invalidateQueries({ queryKey: fleetKeys.all });
      void client.invalidateQueries({ queryKey: caseKeys.all });
    },
  });
}
