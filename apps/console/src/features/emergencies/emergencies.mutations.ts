import {
  AuthorityGrantRecordSchema,
  ChecklistApplyResultSchema,
  EmergencyRecordSchema,
  etagFor,
  WarRoomSchema,
  type ApplyChecklistBody,
  type DeclareEmergencyRequest,
  type EmergencyRecord,
  type GrantAuthorityBody,
} from "@firebreak/domain";
import { useMutation, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { emergencyKeys, emergencyPath } from "./emergencies.queries";
import { activeFleetRef } from "../fleet/fleet";

/** The war room shows cases, tasks and SMS settings: a change there refreshes all of them. */
function warRoomChanged(client: QueryClient) {
  void client.invalidateQueries({ queryKey: emergencyKeys.all });
  void client.invalidateQueries({ queryKey: ["cases"] });
  void client.invalidateQueries({ queryKey: ["oob-tasks"] });
}

export function useDeclareEmergency() {
  return useMutation({
    mutationFn: (body: DeclareEmergencyRequest, { client }) =>
      createApi(client).post("/api/emergencies", { ...body, fleet: activeFleetRef() }, EmergencyRecordSchema),
    onSuccess: (_e, _v, _r, { client }) => warRoomChanged(client),
  });
}

type Versioned = Pick<EmergencyRecord, "id" | "version">;

export function useActivateEmergency() {
  return useMutation({
    mutationFn: (emergency: Versioned, { client }) =>
      createApi(client).post(emergencyPath(emergency.id, "activate"), undefined, EmergencyRecordSchema, {
        headers: { "if-match": etagFor(emergency.version) },
      }),
    onSuccess: (_e, _v, _r, { client }) => warRoomChanged(client),
  });
}

/** 409 while a relaxed sender address has not been restored; the message lists them. */
export function useCloseEmergency() {
  return useMutation({
    mutationFn: ({ emergency, summary }: { emergency: Versioned; summary: string }, { client }) =>
      createApi(client).post(emergencyPath(emergency.id, "close"), { summary }, EmergencyRecordSchema, {
        headers: { "if-match": etagFor(emergency.version) },
      }),
    onSuccess: (_e, _v, _r, { client }) => warRoomChanged(client),
  });
}

export function useAddNote(emergencyId: string) {
  return useMutation({
    mutationFn: (text: string, { client }) =>
      createApi(client).post(emergencyPath(emergencyId, "notes"), { text }, WarRoomSchema),
    onSuccess: (warRoom, _v, _r, { client }) => client.setQueryData(emergencyKeys.warRoom(emergencyId), warRoom),
  });
}

export function useGrantAuthority(emergencyId: string) {
  return useMutation({
    mutationFn: (body: GrantAuthorityBody, { client }) =>
      createApi(client).post(emergencyPath(emergencyId, "grants"), body, AuthorityGrantRecordSchema),
    onSuccess: (_g, _v, _r, { client }) => warRoomChanged(client),
  });
}

export function useRevokeGrant(emergencyId: string) {
  return useMutation({
    mutationFn: (grantId: string, { client }) =>
      createApi(client).post(emergencyPath(emergencyId, "grants", grantId, "revoke"), {}, AuthorityGrantRecordSchema),
    onSuccess: (_g, _v, _r, { client }) => warRoomChanged(client),
  });
}

export interface ApplyChecklistVariables {
  caseId: string;
  /** The emergency's version from the preview that was reviewed. */
  emergencyVersion: number;
  declined: ApplyChecklistBody["declined"];
}

/** The reviewed checklist in one step, If-Match the version the preview was made from. */
export function useApplyChecklist(emergencyId: string) {
  return useMutation({
    mutationFn: ({ caseId, emergencyVersion, declined }: ApplyChecklistVariables, { client }) =>
      createApi(client).post(
        emergencyPath(emergencyId, "checklist", "apply"),
        { caseId, declined },
        ChecklistApplyResultSchema,
        { headers: { "if-match": etagFor(emergencyVersion) } },
      ),
    onSuccess: (_r, _v, _x, { client }) => {
      warRoomChanged(client);
      void client.invalidateQueries({ queryKey: ["fleet"] });
    },
  });
}
