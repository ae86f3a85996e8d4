import {
  DrillDetailSchema,
  DrillReportViewSchema,
  JoinDrillResultSchema,
  etagFor,
  type DrillActionBody,
  type DrillDebriefInput,
  type JoinDrillResult,
  type PlanDrillBody,
} from "@firebreak/domain";
import { useMutation, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { setActiveDrill } from "../fleet/fleet";
import { drillKeys, drillPath } from "./drills.queries";

const drillsChanged = (client: QueryClient) => void client.invalidateQueries({ queryKey: drillKeys.all });

export function usePlanDrill() {
  return useMutation({
    mutationFn: (body: PlanDrillBody, { client }) => createApi(client).post("/api/drills", body, DrillDetailSchema),
    onSuccess: (_d, _v, _r, { client }) => drillsChanged(client),
  });
}

export function useDrillAction() {
  return useMutation({
    mutationFn: ({ drill, action }: { drill: { id: string; version: number }; action: DrillActionBody }, { client }) =>
      createApi(client).post(drillPath(drill.id, "actions"), action, DrillDetailSchema, {
        headers: { "if-match": etagFor(drill.version) },
      }),
    onSuccess: (d, _v, _r, { client }) => {
      client.setQueryData(drillKeys.detail(d.id), d);
      drillsChanged(client);
    },
    // An inject fired on schedule changes the drill's version: reload, so the next click applies.
    onError: (_e, _v, _r, { client }) => drillsChanged(client),
  });
}

export function useRecordDebrief() {
  return useMutation({
    mutationFn: (
      { drill, debrief }: { drill: { id: string; version: number }; debrief: DrillDebriefInput },
      { client },
    ) =>
      createApi(client).put(drillPath(drill.id, "debrief"), debrief, DrillReportViewSchema, {
        headers: { "if-match": etagFor(drill.version) },
      }),
    onSuccess: (r, _v, _r, { client }) => {
      client.setQueryData(drillKeys.report(r.drillId), r);
      drillsChanged(client);
    },
  });
}

/**
 * Joins a running drill and switches the console to its sandbox fleet. The whole query cache is
 * cleared first: no production answer may be shown as the sandbox's, nor the other way round.
 */
export function switchToDrill(client: QueryClient, joined: JoinDrillResult | null): void {
  void client.cancelQueries();
  const session = client.getQueryData(["session"]);
  client.clear();
  if (session !== undefined) client.setQueryData(["session"], session);
  setActiveDrill(
    joined
      ? { drillId: joined.drillId, title: joined.title, fleetId: joined.fleetId, emergencyId: joined.emergencyId }
      : null,
  );
}

export function useJoinDrill() {
  return useMutation({
    mutationFn: (id: string, { client }) =>
      createApi(client).post(drillPath(id, "join"), undefined, JoinDrillResultSchema),
    onSuccess: (joined, _v, _r, { client }) => switchToDrill(client, joined),
  });
}
