import { HaltAdvertisementBodySchema, type HaltCaseRef, type HaltTarget } from "@firebreak/domain";
import { Alert, Button, Checkbox, Group, List, Loader, Modal, Radio, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconHandStop } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { caseKeys } from "../../cases/cases.queries";
import { monitorKeys } from "../../monitoring/monitoring.queries";
import { useHaltDeployment } from "../halts.mutations";
import { haltKeys, haltQueries } from "../halts.queries";

/** Case states whose deployment a case halt stops; otherwise the advertisement is halted directly. */
const DEPLOYING = new Set(["DEPLOYING", "DEPLOYED"]);

export interface HaltDeploymentModalProps {
  advertisementId: string;
  packageId: string;
  programName: string;
  /** The case deploying through this advertisement, if any. */
  caseRef: HaltCaseRef | null;
  /** Shown when the user needs a grant rather than holding the role. */
  needsGrant: boolean;
  onClose: () => void;
}

type Scope = "RELEASE" | "UPDATE";

/** "CEN20001 (Install KB835732), case KB835732 moves to Halted" — one advertisement a halt stops. */
function targetLine(t: HaltTarget): string {
  const cases = t.cases.map((c) => c.kbNumber);
  const what = `${t.advertisementId} — ${t.packageId} / ${t.programName}`;
  const state = t.halted ? " (halted already)" : t.state === "DISABLED" ? " (advertisement disabled)" : "";
  const moves = cases.length
    ? `; case${cases.length === 1 ? "" : "s"} ${cases.join(", ")} move${cases.length === 1 ? "s" : ""} to Halted`
    : "";
  return `${what}${state}${moves}`;
}

function TargetList({ targets, label }: { targets: readonly HaltTarget[]; label: string }) {
  return (
    <List size="sm" aria-label={label}>
      {targets.map((t) => (
        <List.Item key={t.advertisementId}>{targetLine(t)}</List.Item>
      ))}
    </List>
  );
}

/**
 * Confirms the one halt action (domain.md §3.4 R1): the program is disabled on computers where it
 * is advertised — so every advertisement of it stops — optionally the advertisements too, and the
 * cases deploying through them move to Halted. It can also stop every deployment of the update.
 */
export function HaltDeploymentModal({
  advertisementId,
  packageId,
  programName,
  caseRef,
  needsGrant,
  onClose,
}: HaltDeploymentModalProps) {
  const queryClient = useQueryClient();
  const halt = useHaltDeployment();
  const targets = useQuery(haltQueries.targets(advertisementId));
  const viaCase = caseRef && DEPLOYING.has(caseRef.status) ? caseRef : null;
  const { attachForm, ...form } = useSchemaForm({
    schema: HaltAdvertisementBodySchema,
    initialValues: { reason: "", alsoDisableAdvertisement: false, everyDeploymentOfUpdate: false },
  });
  const scope: Scope = form.values.everyDeploymentOfUpdate ? "UPDATE" : "RELEASE";
  const kbs = targets.data?.kbNumbers ?? [];
  const kbWords = kbs.join(" + ");
  const stopping = scope === "UPDATE" ? (targets.data?.everyDeployment ?? []) : (targets.data?.release ?? []);
  const otherCases = stopping.flatMap((t) => t.cases).filter((c) => c.id !== viaCase?.id);
  const offerUpdate = kbs.length > 0 && (targets.data?.everyDeployment.length ?? 0) > 0;

  return (
    <Modal opened onClose={onClose} title="Halt the deployment" size="lg">
      <form
        ref={attachForm}
        noValidate
        aria-label="Halt the deployment"
        onSubmit={form.handleSubmit((body) =>
          halt.halt({ advertisementId, caseRef: viaCase, body }, () => {
            notifications.show({
              color: "orange",
              title: "Deployment halted",
              message: body.everyDeploymentOfUpdate
                ? `Every deployment of ${kbWords} is halted.`
                : `${packageId} / ${programName} is disabled on computers where it is advertised${body.alsoDisableAdvertisement ? `, and ${advertisementId} is disabled` : ""}.`,
            });
            onClose();
          }),
        )}
      >
        <Stack gap="md">
          {offerUpdate ? (
            <Radio.Group
              label="What to halt"
              value={scope}
              onChange={(value) => form.setField("everyDeploymentOfUpdate", value === "UPDATE")}
            >
              <Stack gap={6} mt={6}>
                <Radio value="RELEASE" label={`This deployment (${packageId} / ${programName})`} />
                <Radio
                  value="UPDATE"
                  label={`Halt every deployment of ${kbWords} (${targets.data?.everyDeployment.length ?? 0} advertisements)`}
                />
              </Stack>
            </Radio.Group>
          ) : null}
          <Text size="sm">This stops the rollout at once:</Text>
          <List size="sm">
            <List.Item>
              {scope === "UPDATE"
                ? `Every program that installs ${kbWords} gets “Disable this program on computers where it is advertised” (clients stop starting it as they receive the change).`
                : `Program ${packageId} / ${programName} gets “Disable this program on computers where it is advertised” (clients stop starting it as they receive the change).`}
            </List.Item>
            {viaCase && scope === "RELEASE" ? (
              <List.Item>
                {`Case ${viaCase.kbNumber} moves to Halted. Resuming it needs the ERT lead or an emergency-authority grant.`}
              </List.Item>
            ) : null}
            {otherCases.length > 0 ? (
              <List.Item>
                {`${otherCases.length === 1 ? "Case" : "Cases"} ${otherCases.map((c) => c.kbNumber).join(", ")} deploying through the same ${scope === "UPDATE" ? "update" : "program"} ${otherCases.length === 1 ? "moves" : "move"} to Halted too.`}
              </List.Item>
            ) : null}
            {!viaCase && otherCases.length === 0 ? (
              <List.Item>
                No case deploys through it: the halt stays in force until someone resumes the deployment from its
                monitor (the ERT lead or an emergency-authority grant). Re-enabling the program in its settings is
                refused meanwhile.
              </List.Item>
            ) : null}
          </List>
          {targets.isPending ? (
            <Group gap="xs">
              <Loader size="xs" aria-hidden />
              <Text size="sm" c="dimmed">
                Looking up the advertisements it stops…
              </Text>
            </Group>
          ) : targets.isError ? (
            <Text size="sm" c="dimmed">
              The advertisements it stops could not be listed; the halt still covers every advertisement of the program.
            </Text>
          ) : stopping.length > 0 ? (
            <div>
              <Text size="sm" fw={600}>
                {`Advertisements that will stop (${stopping.length})`}
              </Text>
              <TargetList targets={stopping} label="Advertisements that will stop" />
            </div>
          ) : null}
          {needsGrant ? (
            <Alert color="blue" variant="light" title="Emergency authority needed">
              <Text size="sm">
                Halting needs the ERT lead or SMS administrator role, or an active emergency-authority grant in this
                emergency. Without a grant the server refuses it.
              </Text>
            </Alert>
          ) : null}
          <Textarea
            label="Why is the deployment halted?"
            description="Goes to the audit log and the case timeline."
            required
            autosize
            minRows={3}
            data-autofocus
            value={form.values.reason}
            onChange={(e) => form.setField("reason", e.currentTarget.value)}
            error={form.errors.reason}
          />
          <Checkbox
            label={
              scope === "UPDATE"
                ? "Also disable the advertisements"
                : `Also disable the advertisement ${advertisementId}${stopping.length > 1 ? " and the others of its program" : ""}`
            }
            description="Clients then stop offering the program as well. Resuming makes active again only what this halt disabled."
            checked={form.values.alsoDisableAdvertisement}
            onChange={(e) => form.setField("alsoDisableAdvertisement", e.currentTarget.checked)}
          />
          {halt.error ? (
            <ProcessErrorAlert
              error={halt.error}
              title="The deployment was not halted"
              onReload={() => {
                halt.reset();
                void queryClient.invalidateQueries({ queryKey: haltKeys.all });
                void queryClient.invalidateQueries({ queryKey: caseKeys.all });
                void queryClient.invalidateQueries({ queryKey: monitorKeys.all });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="red"
              loading={halt.isPending}
              leftSection={<IconHandStop size={16} aria-hidden />}
            >
              {scope === "UPDATE" ? "Halt every deployment" : "Halt deployment"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
