import { caseStateLabels, type CaseActionType, type CaseDetail } from "@firebreak/domain";
import { Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ACTION_FORMS } from "../action-forms";
import { useCaseAction } from "../cases.mutations";
import { caseKeys } from "../cases.queries";
import { ActionModal, type PendingAction } from "./action-modal";

const isKnown = (action: string): action is CaseActionType => action in ACTION_FORMS;

/**
 * What the signed-in user can do next, from the API's `availableActions`. A disabled action says
 * why (the missing role or the unmet gate) in text next to it, not only in a tooltip.
 */
export function ActionBar({ caseDetail }: { caseDetail: CaseDetail }) {
  const queryClient = useQueryClient();
  // Above the modal: the action's callbacks must outlive the form, which closes on success.
  const mutation = useCaseAction();
  const [pending, setPending] = useState<PendingAction | null>(null);
  const actions = caseDetail.availableActions.filter((a) => isKnown(a.action));

  const close = () => {
    mutation.reset();
    setPending(null);
  };

  return (
    <Card withBorder component="section" aria-labelledby="actions-heading">
      <Title order={2} size="h4" id="actions-heading" mb="sm">
        Next steps
      </Title>
      {actions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No action is open in this state.
        </Text>
      ) : (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: "none" }}>
          {actions.map((a) => {
            const reasonId = `action-${a.action}-reason`;
            const danger = ACTION_FORMS[a.action as CaseActionType].danger;
            return (
              <li key={a.action}>
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <Button
                    size="sm"
                    miw={200}
                    color={danger ? "red" : undefined}
                    variant={a.enabled ? (danger ? "outline" : "filled") : "default"}
                    disabled={!a.enabled}
                    leftSection={a.enabled ? null : <IconLock size={14} aria-hidden />}
                    aria-describedby={a.reason || a.note ? reasonId : undefined}
                    onClick={() => {
                      mutation.reset();
                      setPending({
                        action: a.action as CaseActionType,
                        version: caseDetail.version,
                        label: a.label,
                        gate: a.gate,
                        note: a.note,
                      });
                    }}
                  >
                    {a.label}
                  </Button>
                  <Stack gap={2} style={{ flex: 1 }}>
                    {a.gate ? (
                      <Badge size="xs" variant="outline" color="gray" tt="none" w="fit-content">
                        {`Gate ${a.gate}`}
                      </Badge>
                    ) : null}
                    {a.reason ? (
                      <Text size="xs" id={reasonId}>
                        {a.enabled ? a.reason : `Not available: ${a.reason}`}
                      </Text>
                    ) : a.note ? (
                      <Text size="xs" c="dimmed" id={reasonId}>
                        {a.note}
                      </Text>
                    ) : null}
                  </Stack>
                </Group>
              </li>
            );
          })}
        </Stack>
      )}
      {pending ? (
        <ActionModal
          key={pending.action}
          pending={pending}
          caseDetail={caseDetail}
          submitting={mutation.isPending}
          error={mutation.error}
          onSubmit={(action, showFieldErrors) =>
            mutation.mutate(
              { caseRecord: { id: caseDetail.id, version: pending.version }, action },
              {
                onSuccess: (detail) => {
                  notifications.show({
                    color: "green",
                    title: pending.label,
                    message: `Done: the case is ${caseStateLabels[detail.status].toLowerCase()}.`,
                  });
                  setPending(null);
                },
                onError: (error) => {
                  if (isApiError(error) && error.code === "VALIDATION_FAILED") {
                    const inline = fieldErrorsFromDetails(error.details);
                    if (Object.keys(inline).length > 0) showFieldErrors(inline);
                  }
                },
              },
            )
          }
          onClose={close}
          onReload={() => {
            close();
            void queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseDetail.id) });
          }}
        />
      ) : null}
    </Card>
  );
}
