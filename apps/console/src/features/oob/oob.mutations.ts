import { etagFor, OobTaskRecordSchema, type OobTaskRecord, type UpdateOobTaskBody } from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { oobKeys } from "./oob.queries";

export interface UpdateTaskVariables {
  task: Pick<OobTaskRecord, "id" | "version">;
  body: UpdateOobTaskBody;
}

/** PATCH /api/oob-tasks/:id with If-Match: assign, change the method, move the state, record evidence. */
export function useUpdateOobTask() {
  return useMutation({
    mutationFn: ({ task, body }: UpdateTaskVariables, { client }) =>
      createApi(client).patch(`/api/oob-tasks/${encodeURIComponent(task.id)}`, body, OobTaskRecordSchema, {
        headers: { "if-match": etagFor(task.version) },
      }),
    onSuccess: (_t, _v, _r, { client }) => {
      void client.invalidateQueries({ queryKey: oobKeys.all });
      // Task counts in the war room, restored sender addresses, coverage with tasks folded in.
      void client.invalidateQueries({ queryKey: ["emergencies"] });
      void client.invalidateQueries({ queryKey: ["fleet"] });
    },
  });
}
