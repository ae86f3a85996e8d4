import {
  CaseDetailSchema,
  etagFor,
  PriorityPolicyRecordSchema,
  SoftwareUpdateRecordSchema,
  type PriorityPolicy,
  type AcceptanceTestRecord,
  type CaseActionInput,
  type CaseDetail,
  type CreateAcceptanceTestBody,
  type CreateSoftwareUpdateBody,
  type RecordTestResultBody,
} from "@firebreak/domain";
import { useMutation, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { caseKeys, policyKeys, updateKeys } from "./cases.queries";
import { activeFleetRef } from "../fleet/fleet";

const casePath = (id: string, ...rest: string[]) =>
  ["/api/cases", encodeURIComponent(id), ...rest.map(encodeURIComponent)].join("/");

/** A case changed: show the answer at once, then refresh the board and the war rooms that list it. */
function caseChanged(client: QueryClient, detail: CaseDetail) {
  client.setQueryData(caseKeys.detail(detail.id), detail);
  void client.invalidateQueries({ queryKey: caseKeys.lists() });
  void client.invalidateQueries({ queryKey: ["emergencies"] });
}

export interface CaseActionVariables {
  caseRecord: Pick<CaseDetail, "id" | "version">;
  action: CaseActionInput;
}

/** POST /api/cases/:id/actions with If-Match: 409 names the unmet gate, 412 means someone else moved it. */
export function useCaseAction() {
  return useMutation({
    mutationFn: ({ caseRecord, action }: CaseActionVariables, { client }) =>
      createApi(client).post(casePath(caseRecord.id, "actions"), action, CaseDetailSchema, {
        headers: { "if-match": etagFor(caseRecord.version) },
      }),
    onSuccess: (detail, _v, _r, { client }) => caseChanged(client, detail),
  });
}

export function useAddTest() {
  return useMutation({
    mutationFn: ({ caseId, body }: { caseId: string; body: CreateAcceptanceTestBody }, { client }) =>
      createApi(client).post(casePath(caseId, "tests"), body, CaseDetailSchema),
    onSuccess: (detail, _v, _r, { client }) => caseChanged(client, detail),
  });
}

export function useRecordTestResult() {
  return useMutation({
    mutationFn: (
      {
        caseId,
        test,
        body,
      }: { caseId: string; test: Pick<AcceptanceTestRecord, "id" | "version">; body: RecordTestResultBody },
      { client },
    ) =>
      createApi(client).post(casePath(caseId, "tests", test.id, "result"), body, CaseDetailSchema, {
        headers: { "if-match": etagFor(test.version) },
      }),
    onSuccess: (detail, _v, _r, { client }) => caseChanged(client, detail),
  });
}

/** Opens a case for a recorded update (Identify). */
export function useOpenCase() {
  return useMutation({
    mutationFn: (updateId: string, { client }) =>
      createApi(client).post("/api/cases", { updateId, fleet: activeFleetRef() }, CaseDetailSchema),
    onSuccess: (detail, _v, _r, { client }) => caseChanged(client, detail),
  });
}

export function useCreateUpdate() {
  return useMutation({
    mutationFn: (body: CreateSoftwareUpdateBody, { client }) =>
      createApi(client).post("/api/updates", body, SoftwareUpdateRecordSchema),
    onSuccess: (_u, _v, _r, { client }) => client.invalidateQueries({ queryKey: updateKeys.all }),
  });
}

/** PUT /api/priority-policy with If-Match (ERT lead); SLA clocks of open cases follow the new frames. */
export function useSavePriorityPolicy() {
  return useMutation({
    mutationFn: ({ version, policy }: { version: number; policy: PriorityPolicy }, { client }) =>
      createApi(client).put("/api/priority-policy", policy, PriorityPolicyRecordSchema, {
        headers: { "if-match": etagFor(version) },
      }),
    onSuccess: (saved, _v, _r, { client }) => {
      client.setQueryData(policyKeys.all, saved);
      void client.invalidateQueries({ queryKey: caseKeys.all });
      void client.invalidateQueries({ queryKey: ["emergencies"] });
    },
  });
}
