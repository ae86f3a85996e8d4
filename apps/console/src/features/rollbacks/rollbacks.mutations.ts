import {
  RollbackDetailSchema,
  etagFor,
  type OpenRollbackBodyInput,
  type RollbackActionInput,
  type RollbackDetail,
} from "@firebreak/domain";
import { useMutation, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { activeFleetRef } from "../fleet/fleet";
import { rollbackKeys } from "./rollbacks.queries";

/** A rollback changed: show the answer at once, then refresh lists, the case and the war rooms. */
function rollbackChanged(client: QueryClient, detail: RollbackDetail) {
  client.setQueryData(rollbackKeys.detail(detail.id), detail);
  void client.invalidateQueries({ queryKey: rollbackKeys.lists() });
  void client.invalidateQueries({ queryKey: rollbackKeys.cleanupPreview(detail.id) });
  void client.invalidateQueries({ queryKey: rollbackKeys.verifications(detail.id) });
  // A rollback moves the update's case, packages, advertisements and out-of-band tasks too.
  void client.invalidateQueries({ queryKey: ["cases"] });
  void client.invalidateQueries({ queryKey: ["emergencies"] });
  void client.invalidateQueries({ queryKey: ["oob-tasks"] });
}

/** POST /api/rollbacks: request the rollback of an update. */
export function useOpenRollback() {
  return useMutation({
    mutationFn: (body: OpenRollbackBodyInput, { client }) =>
      createApi(client).post("/api/rollbacks", { fleet: activeFleetRef(), ...body }, RollbackDetailSchema),
    onSuccess: (detail, _v, _r, { client }) => rollbackChanged(client, detail),
  });
}

export interface RollbackActionVariables {
  rollback: Pick<RollbackDetail, "id" | "version">;
  action: RollbackActionInput;
}

/** POST /api/rollbacks/:id/actions with If-Match: 409 names what is missing, 412 means someone else moved it. */
export function useRollbackAction() {
  return useMutation({
    mutationFn: ({ rollback, action }: RollbackActionVariables, { client }) =>
      createApi(client).post(
        `/api/rollbacks/${encodeURIComponent(rollback.id)}/actions`,
        action,
        RollbackDetailSchema,
        {
          headers: { "if-match": etagFor(rollback.version) },
          query: { fleet: activeFleetRef() },
        },
      ),
    onSuccess: (detail, _v, _r, { client }) => rollbackChanged(client, detail),
  });
}
