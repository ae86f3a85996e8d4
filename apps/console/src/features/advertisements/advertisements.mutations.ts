import {
  AdvertisementRecordSchema,
  etagFor,
  type AdvertisementRecord,
  type UpdateAdvertisementBody,
} from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetPath } from "../fleet/fleet";
import { advertisementKeys } from "./advertisements.queries";

export interface SaveAdvertisementVariables {
  advertisement: Pick<AdvertisementRecord, "advertisementId" | "version">;
  body: UpdateAdvertisementBody;
}

/** The Properties dialog's OK: a full PUT with If-Match. */
export function useSaveAdvertisement() {
  return useMutation({
    mutationFn: ({ advertisement, body }: SaveAdvertisementVariables, { client }) =>
      createApi(client).put(
        fleetPath("advertisements", advertisement.advertisementId),
        body,
        AdvertisementRecordSchema,
        {
          headers: { "if-match": etagFor(advertisement.version) },
        },
      ),
    onSuccess: (_a, _variables, _result, { client }) => client.invalidateQueries({ queryKey: advertisementKeys.all }),
  });
}
