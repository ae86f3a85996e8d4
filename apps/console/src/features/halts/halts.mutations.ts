import {
  HaltReleaseResultSchema,
  HaltRuleViewSchema,
  ResumeResultSchema,
  etagFor,
  type HaltAdvertisementInput,
  type HaltCaseRef,
  type PutHaltRuleBody,
  type ResumeAdvertisementBody,
} from "@firebreak/domain";
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { advertisementKeys } from "../advertisements/advertisements.queries";
import { useCaseAction } from "../cases/cases.mutations";
import { caseKeys } from "../cases/cases.queries";
import { fleetPath } from "../fleet/fleet";
import { monitorKeys } from "../monitoring/monitoring.queries";
import { haltKeys, haltRulePath } from "./halts.queries";

/** A halt or a rule changed: the rule, the verification, the advertisement and its monitor all move. */
function haltChanged(client: QueryClient) {
  void client.invalidateQueries({ queryKey: haltKeys.all });
  void client.invalidateQueries({ queryKey: advertisementKeys.all });
  void client.invalidateQueries({ queryKey: monitorKeys.all });
  // A halt moves the cases deploying through every advertisement it stops.
  void client.invalidateQueries({ queryKey: caseKeys.all });
}

export interface SaveHaltRuleVariables {
  advertisementId: string;
  /** The version read, or null to create the rule. */
  version: number | null;
  body: PutHaltRuleBody;
}

/** PUT …/halt-rule: without If-Match it creates the rule, with it it replaces the version read. */
export function useSaveHaltRule() {
  return useMutation({
    mutationFn: ({ advertisementId, version, body }: SaveHaltRuleVariables, { client }) =>
      createApi(client).put(haltRulePath(advertisementId), body, HaltRuleViewSchema, {
        headers: version === null ? {} : { "if-match": etagFor(version) },
      }),
    // The answer is the rule as stored now; nothing else changes until it fires.
    onSuccess: (view, _v, _r, { client }) => client.setQueryData(haltKeys.rule(view.advertisementId), view),
  });
}

export function useRearmHaltRule() {
  return useMutation({
    mutationFn: (
      { advertisementId, version, note }: { advertisementId: string; version: number; note?: string },
      { client },
    ) =>
      createApi(client).post(haltRulePath(advertisementId, "rearm"), note ? { note } : {}, HaltRuleViewSchema, {
        headers: { "if-match": etagFor(version) },
      }),
    // The answer is the rule as stored now; nothing else changes until it fires.
    onSuccess: (view, _v, _r, { client }) => client.setQueryData(haltKeys.rule(view.advertisementId), view),
  });
}

export function useDeleteHaltRule() {
  return useMutation({
    mutationFn: ({ advertisementId, version }: { advertisementId: string; version: number }, { client }) =>
      createApi(client).delete(haltRulePath(advertisementId), { headers: { "if-match": etagFor(version) } }),
    onSuccess: (_d, { advertisementId }, _r, { client }) => client.setQueryData(haltKeys.rule(advertisementId), null),
  });
}

export interface HaltDeploymentVariables {
  advertisementId: string;
  /** The case deploying through the advertisement: it is halted through its own action (If-Match). */
  caseRef: Pick<HaltCaseRef, "id" | "version"> | null;
  body: { reason: string; alsoDisableAdvertisement: boolean; everyDeploymentOfUpdate: boolean };
}

/**
 * The one halt action: through the case's `halt` when a case deploys the advertisement (the case
 * machine records it), else — and for every deployment of the update — POST …/halt on the
 * advertisement.
 */
export function useHaltDeployment() {
  const queryClient = useQueryClient();
  const caseAction = useCaseAction();
  const direct = useMutation({
    mutationFn: ({ advertisementId, body }: { advertisementId: string; body: HaltAdvertisementInput }, { client }) =>
      createApi(client).post(fleetPath("advertisements", advertisementId, "halt"), body, HaltReleaseResultSchema),
    onSuccess: (_d, _v, _r, { client }) => haltChanged(client),
  });
  return {
    isPending: caseAction.isPending || direct.isPending,
    error: caseAction.error ?? direct.error,
    reset: () => {
      caseAction.reset();
      direct.reset();
    },
    halt: ({ advertisementId, caseRef, body }: HaltDeploymentVariables, onSuccess: () => void) => {
      if (caseRef && !body.everyDeploymentOfUpdate) {
        caseAction.mutate(
          {
            caseRecord: caseRef,
            action: { type: "halt", reason: body.reason, alsoDisableAdvertisement: body.alsoDisableAdvertisement },
          },
          {
            onSuccess: () => {
              haltChanged(queryClient);
              onSuccess();
            },
          },
        );
      } else {
        direct.mutate({ advertisementId, body }, { onSuccess: () => onSuccess() });
      }
    },
  };
}

/** POST …/resume: lifts the halt of an advertisement no halted case stands behind. */
export function useResumeAdvertisement() {
  return useMutation({
    mutationFn: ({ advertisementId, body }: { advertisementId: string; body: ResumeAdvertisementBody }, { client }) =>
      createApi(client).post(fleetPath("advertisements", advertisementId, "resume"), body, ResumeResultSchema),
    onSuccess: (_d, _v, _r, { client }) => haltChanged(client),
  });
}
