import { etagFor, SiteRecordSchema, type Site, type SiteRecord } from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetPath } from "../fleet/fleet";
import { siteKeys } from "./sites.queries";

export function useCreateSite() {
  return useMutation({
    mutationFn: (body: Site, { client }) => createApi(client).post(fleetPath("sites"), body, SiteRecordSchema),
    onSuccess: (_site, _body, _result, { client }) => client.invalidateQueries({ queryKey: siteKeys.all }),
  });
}

export interface UpdateSiteVariables {
  site: Pick<SiteRecord, "siteCode" | "version">;
  body: { name?: string; utcOffsetMinutes?: number };
}

/** PATCH with If-Match: 412 when someone else changed the site since it was read. */
export function useUpdateSite() {
  return useMutation({
    mutationFn: ({ site, body }: UpdateSiteVariables, { client }) =>
      createApi(client).patch(fleetPath("sites", site.siteCode), body, SiteRecordSchema, {
        headers: { "if-match": etagFor(site.version) },
      }),
    onSuccess: (_site, _variables, _result, { client }) => client.invalidateQueries({ queryKey: siteKeys.all }),
  });
}
