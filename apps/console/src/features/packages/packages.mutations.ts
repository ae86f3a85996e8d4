import {
  etagFor,
  PackageDetailSchema,
  ProgramRecordSchema,
  type PackageRecord,
  type ProgramRecord,
  type UpdatePackageBody,
  type UpdateProgramBody,
} from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { advertisementKeys } from "../advertisements/advertisements.queries";
import { fleetPath } from "../fleet/fleet";
import { packageKeys } from "./packages.queries";

export interface UpdatePackageVariables {
  pkg: Pick<PackageRecord, "packageId" | "version">;
  body: UpdatePackageBody;
}

export function useUpdatePackage() {
  return useMutation({
    mutationFn: ({ pkg, body }: UpdatePackageVariables, { client }) =>
      createApi(client).patch(fleetPath("packages", pkg.packageId), body, PackageDetailSchema, {
        headers: { "if-match": etagFor(pkg.version) },
      }),
    onSuccess: (_pkg, _variables, _result, { client }) => client.invalidateQueries({ queryKey: packageKeys.all }),
  });
}

export interface UpdateProgramVariables {
  program: Pick<ProgramRecord, "packageId" | "programName" | "version">;
  body: UpdateProgramBody;
}

/** A disabled program changes what advertisements report (programDisabled), so both are refreshed. */
export function useUpdateProgram() {
  return useMutation({
    mutationFn: ({ program, body }: UpdateProgramVariables, { client }) =>
      createApi(client).patch(
        fleetPath("packages", program.packageId, "programs", program.programName),
        body,
        ProgramRecordSchema,
        {
          headers: { "if-match": etagFor(program.version) },
        },
      ),
    onSuccess: (_program, _variables, _result, { client }) =>
      Promise.all([
        client.invalidateQueries({ queryKey: packageKeys.all }),
        client.invalidateQueries({ queryKey: advertisementKeys.all }),
      ]),
  });
}
