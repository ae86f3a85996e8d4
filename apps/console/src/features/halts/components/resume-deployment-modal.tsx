import { ResumeAdvertisementBodySchema, type ReleaseHaltView } from "@firebreak/domain";
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerPlay } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "../../../lib/format";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useResumeAdvertisement } from "../halts.mutations";
import { haltKeys } from "../halts.queries";

export interface ResumeDeploymentModalProps {
  halt: ReleaseHaltView;
  /** Shown when the user needs a grant rather than holding the role. */
  needsGrant: boolean;
  onClose: () => void;
}

/**
 * Lifts the halt of an advertisement no halted case stands behind (a case is resumed from the
 * case): the program runs again once no other halt on it stands, and the advertisement is made
 * active again only if this halt disabled it.
 */
export function ResumeDeploymentModal({ halt, needsGrant, onClose }: ResumeDeploymentModalProps) {
  const queryClient = useQueryClient();
  const resume = useResumeAdvertisement();
  const { attachForm, ...form } = useSchemaForm({
    schema: ResumeAdvertisementBodySchema,
    initialValues: { reason: "" },
  });
  return (
    <Modal opened onClose={onClose} title="Resume the deployment" size="lg">
      <form
        ref={attachForm}
        noValidate
        aria-label="Resume the deployment"
        onSubmit={form.handleSubmit((body) =>
          resume.mutate(
            { advertisementId: halt.advertisementId, body },
            {
              onSuccess: (result) => {
                notifications.show({ color: "green", title: "Halt lifted", message: result.summary });
                onClose();
              },
            },
          ),
        )}
      >
        <Stack gap="md">
          <Text size="sm">
            {`${halt.advertisementId} was halted ${formatDateTime(halt.haltedAt)} by ${halt.automaticRule ? "an automatic halt rule" : halt.haltedBy}: ${halt.automaticRule ?? halt.reason}`}
          </Text>
          <Text size="sm">
            {`Resuming enables program ${halt.packageId} / ${halt.programName} again, unless another halt on it still stands${halt.disabledAdvertisement ? `, and makes ${halt.advertisementId} active again` : ""}. Clients start it again as they receive the change.`}
          </Text>
          {needsGrant ? (
            <Alert color="blue" variant="light" title="Emergency authority needed">
              <Text size="sm">
                Resuming needs the ERT lead role, or an active emergency-authority grant. Without one the server refuses
                it.
              </Text>
            </Alert>
          ) : null}
          <Textarea
            label="Why may the deployment resume?"
            description="Goes to the audit log."
            required
            autosize
            minRows={3}
            data-autofocus
            value={form.values.reason}
            onChange={(e) => form.setField("reason", e.currentTarget.value)}
            error={form.errors.reason}
          />
          {resume.error ? (
            <ProcessErrorAlert
              error={resume.error}
              title="The deployment was not resumed"
              onReload={() => {
                resume.reset();
                void queryClient.invalidateQueries({ queryKey: haltKeys.all });
                onClose();
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={resume.isPending} leftSection={<IconPlayerPlay size={16} aria-hidden />}>
              Resume deployment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
