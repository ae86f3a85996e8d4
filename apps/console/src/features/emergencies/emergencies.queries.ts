import { ChecklistPreviewSchema, EmergencyListSchema, WarRoomSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { activeFleetRef } from "../fleet/fleet";

export const emergencyKeys = {
  all: ["emergencies"] as const,
  list: () => [...emergencyKeys.all, "list"] as const,
  warRoom: (id: string) => [...emergencyKeys.all, "war-room", id] as const,
  checklist: (id: string, caseId: string) => [...emergencyKeys.all, "checklist", id, caseId] as const,
};

export const emergencyPath = (id: string, ...rest: string[]) =>
  ["/api/emergencies", encodeURIComponent(id), ...rest.map(encodeURIComponent)].join("/");

/** How often the war room asks for news; it also refreshes when the window regains focus. */
export const WAR_ROOM_POLL_MS = 5_000;

export const emergencyQueries = {
  list: () =>
    queryOptions({
      queryKey: emergencyKeys.list(),
      queryFn: ({ client, signal }) =>
        createApi(client).get("/api/emergencies", EmergencyListSchema, { signal, query: { fleet: activeFleetRef() } }),
      refetchOnWindowFocus: true,
      refetchInterval: 30_000,
    }),
  warRoom: (id: string) =>
    queryOptions({
      queryKey: emergencyKeys.warRoom(id),
      queryFn: ({ client, signal }) => createApi(client).get(emergencyPath(id), WarRoomSchema, { signal }),
      staleTime: 2_000,
      refetchInterval: WAR_ROOM_POLL_MS,
      refetchOnWindowFocus: true,
    }),
  /** The checklist preview is read when a person asks for it, and not refreshed behind their back. */
  checklist: (id: string, caseId: string) =>
    queryOptions({
      queryKey: emergencyKeys.checklist(id, caseId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(emergencyPath(id, "checklist"), ChecklistPreviewSchema, { signal, query: { caseId } }),
      staleTime: Number.POSITIVE_INFINITY,
      refetchOnWindowFocus: false,
    }),
};
