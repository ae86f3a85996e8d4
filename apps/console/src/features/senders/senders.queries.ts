import { SenderAddressListSchema, SenderAddressRecordSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const senderKeys = {
  all: [...fleetKeys.all, "sender-addresses"] as const,
  list: () => [...senderKeys.all, "list"] as const,
  detail: (addressId: string) => [...senderKeys.all, "detail", addressId] as const,
};

export const senderQueries = {
  list: () =>
    queryOptions({
      queryKey: senderKeys.list(),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("sender-addresses"), SenderAddressListSchema, { signal }),
    }),
  detail: (addressId: string) =>
    queryOptions({
      queryKey: senderKeys.detail(addressId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("sender-addresses", addressId), SenderAddressRecordSchema, { signal }),
    }),
};
