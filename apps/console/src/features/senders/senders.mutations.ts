import {
  etagFor,
  SenderAddressRecordSchema,
  type SenderAddressRecord,
  type UpdateSenderAddressBody,
} from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetPath } from "../fleet/fleet";
import { senderKeys } from "./senders.queries";

export interface UpdateSenderVariables {
  address: Pick<SenderAddressRecord, "addressId" | "version">;
  body: UpdateSenderAddressBody;
}

/** PATCH with If-Match; a 412 means someone else saved the address first. */
export function useUpdateSenderAddress() {
  return useMutation({
    mutationFn: ({ address, body }: UpdateSenderVariables, { client }) =>
      createApi(client).patch(fleetPath("sender-addresses", address.addressId), body, SenderAddressRecordSchema, {
        headers: { "if-match": etagFor(address.version) },
      }),
    onSuccess: (_address, _variables, _result, { client }) => client.invalidateQueries({ queryKey: senderKeys.all }),
  });
}
