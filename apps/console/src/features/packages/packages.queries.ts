import { PackageDetailSchema, PackageListSchema, ProgramRecordSchema } from "@firebreak/domain";
import { queryOptions } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { fleetKeys, fleetPath } from "../fleet/fleet";

export const packageKeys = {
  all: [...fleetKeys.all, "packages"] as const,
  list: () => [...packageKeys.all, "list"] as const,
  detail: (packageId: string) => [...packageKeys.all, "detail", packageId] as const,
  program: (packageId: string, programName: string) => [...packageKeys.all, "program", packageId, programName] as const,
};

export const packageQueries = {
  list: () =>
    queryOptions({
      queryKey: packageKeys.list(),
      queryFn: ({ client, signal }) => createApi(client).get(fleetPath("packages"), PackageListSchema, { signal }),
    }),
  detail: (packageId: string) =>
    queryOptions({
      queryKey: packageKeys.detail(packageId),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("packages", packageId), PackageDetailSchema, { signal }),
    }),
  program: (packageId: string, programName: string) =>
    queryOptions({
      queryKey: packageKeys.program(packageId, programName),
      queryFn: ({ client, signal }) =>
        createApi(client).get(fleetPath("packages", packageId, "programs", programName), ProgramRecordSchema, {
          signal,
        }),
    }),
};
