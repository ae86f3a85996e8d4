import {
  CloseEmergencyBodySchema,
  OutOfBandTaskSchema,
  restoreTasksBlockingClose,
  type EmergencyRecord,
} from "@firebreak/domain";
import { Alert, Button, Group, List, Modal, Skeleton, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLockExclamation } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { oobQueries } from "../../oob/oob.queries";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useCloseEmergency } from "../emergencies.mutations";
import { emergencyKeys } from "../emergencies.queries";

/**
 * Close the emergency with a summary. Closing is refused while a relaxed sender address has not
 * been restored; the dialog lists those restore tasks before anyone tries.
 */
export function CloseEmergencyModal({ emergency, onClose }: { emergency: EmergencyRecord; onClose: () => void }) {
  const queryClient = useQueryClient();
  const close = useCloseEmergency();
  const restores = useQuery(oobQueries.list({ emergencyId: emergency.id, kind: "SENDER_RESTORE", pageSize: 500 }));
  const blocking = restores.data
    ? restoreTasksBlockingClose(
        restores.data.items.flatMap((t) => {
          const parsed = OutOfBandTaskSchema.safeParse(t.record);
          return parsed.success ? [parsed.data] : [];
        }),
      )
    : [];
  const { attachForm, ...form } = useSchemaForm({ schema: CloseEmergencyBodySchema, initialValues: { summary: "" } });

  return (
    <Modal opened onClose={onClose} title="Close the emergency" size="lg">
      <form
        ref={attachForm}
        noValidate
        aria-label="Close the emergency"
        onSubmit={form.handleSubmit(({ summary }) =>
          close.mutate(
            { emergency, summary },
            {
              onSuccess: () => {
                notifications.show({ color: "green", title: "Emergency closed", message: emergency.record.title });
                onClose();
              },
            },
          ),
        )}
      >
        <Stack gap="md">
          {restores.isPending ? (
            <Skeleton height={40} aria-label="Checking the sender-address restore tasks" />
          ) : blocking.length > 0 ? (
            <Alert
              color="orange"
              variant="light"
              role="alert"
              icon={<IconLockExclamation aria-hidden />}
              title="Restore the sender addresses first"
            >
              <Text size="sm">
                The checklist relaxed these sender addresses. Put their saved settings back (mark the restore task
                Done), or mark it Not needed with a reason, before closing:
              </Text>
              <List size="sm" mt={4}>
                {blocking.map((b) => (
                  <List.Item key={b.addressId}>{`${b.addressId}: ${b.why}`}</List.Item>
                ))}
              </List>
              <Button
                component={Link}
                to={`/emergencies/${emergency.id}/tasks?kind=SENDER_RESTORE`}
                size="xs"
                mt="sm"
                variant="default"
              >
                Open the restore tasks
              </Button>
            </Alert>
          ) : (
            <Text size="sm">Every relaxed sender address has been restored.</Text>
          )}
          <Textarea
            label="Closing summary"
            description="How the emergency ended: coverage reached, what is still open, lessons"
            required
            autosize
            minRows={4}
            data-autofocus
            value={form.values.summary}
            onChange={(e) => form.setField("summary", e.currentTarget.value)}
            error={form.errors.summary}
          />
          {close.error ? (
            <ProcessErrorAlert
              error={close.error}
              title="The emergency was not closed"
              onReload={() => {
                close.reset();
                void queryClient.invalidateQueries({ queryKey: emergencyKeys.all });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={close.isPending} disabled={blocking.length > 0}>
              Close emergency
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
