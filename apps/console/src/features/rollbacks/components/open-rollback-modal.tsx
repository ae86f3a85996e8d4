import {
  OpenRollbackBodySchema,
  RELEASE_PRIORITIES,
  releasePriorityDescriptions,
  releasePriorityLabels,
  rollbackabilityLabels,
  type ReleasePriority,
} from "@firebreak/domain";
import { Button, Group, Modal, Radio, Select, Skeleton, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import type { z } from "zod";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { updateQueries } from "../../cases/cases.queries";
import { useOpenRollback } from "../rollbacks.mutations";

interface Values extends Record<string, unknown> {
  updateId: string;
  reason: string;
  initialPriority: string;
}

/**
 * Request a rollback: the update, why, and its own initial priority — a rollback is not
 * automatically an emergency. Validated with the API's own schema.
 */
export function OpenRollbackModal({
  opened,
  onClose,
  update,
}: {
  opened: boolean;
  onClose: () => void;
  /** Preset from a case page: the update is fixed. */
  update?: { id: string; kbNumber: string; title: string } | undefined;
}) {
  const updates = useQuery({ ...updateQueries.list(), enabled: opened && !update });
  const open = useOpenRollback();
  const navigate = useNavigate();
  const { attachForm, ...form } = useSchemaForm<Values, z.ZodType>({
    schema: OpenRollbackBodySchema,
    initialValues: { updateId: update?.id ?? "", reason: "", initialPriority: "" },
    toInput: (v) => ({ ...v, initialPriority: v.initialPriority || undefined }),
  });

  const close = () => {
    form.reset();
    open.reset();
    onClose();
  };

  const submit = form.handleSubmit(() => {
    open.mutate(
      {
        updateId: form.values.updateId,
        reason: form.values.reason,
        initialPriority: form.values.initialPriority as ReleasePriority,
      },
      {
        onSuccess: (r) => {
          notifications.show({
            color: r.status === "NOT_FEASIBLE" ? "orange" : "green",
            title: "Rollback requested",
            message:
              r.status === "NOT_FEASIBLE"
                ? `${r.kbNumber} cannot be removed: the rollback shows the alternatives.`
                : `Halt the deployments of ${r.kbNumber} next.`,
          });
          close();
          void navigate(`/rollbacks/${r.id}`);
        },
        onError: (error) => {
          if (isApiError(error) && error.code === "VALIDATION_FAILED") {
            const inline = fieldErrorsFromDetails(error.details);
            if (Object.keys(inline).length > 0) form.setServerErrors(inline);
          }
        },
      },
    );
  });

  const choices =
    updates.data?.items.map((u) => ({
      value: u.id,
      label: `${u.record.kbNumber}${u.record.bulletinId ? ` · ${u.record.bulletinId}` : ""} — ${u.record.title} (${rollbackabilityLabels[u.record.rollbackability]})`,
    })) ?? [];

  return (
    <Modal opened={opened} onClose={close} title="Request a rollback" size="lg">
      <form ref={attachForm} noValidate aria-label="Request a rollback" onSubmit={submit}>
        <Stack gap="md">
          {update ? (
            <Text size="sm">
              <strong>{update.kbNumber}</strong> — {update.title}
            </Text>
          ) : updates.isPending ? (
            <Skeleton height={60} aria-label="Loading the recorded updates" />
          ) : updates.isError ? (
            <ErrorAlert error={updates.error} title="Could not load the recorded updates" />
          ) : choices.length === 0 ? (
            <Text size="sm">No software update is recorded yet: record it under Triage first.</Text>
          ) : (
            <Select
              label="Software update to roll back"
              placeholder="Choose an update"
              searchable
              required
              data-autofocus
              data={choices}
              value={form.values.updateId || null}
              onChange={(v) => form.setField("updateId", v ?? "")}
              error={form.errors.updateId}
            />
          )}
          <Textarea
            label="Why roll it back"
            description="What the update breaks, and where"
            required
            autosize
            minRows={2}
            value={form.values.reason}
            onChange={(e) => form.setField("reason", e.currentTarget.value)}
            error={form.errors.reason}
            {...(update ? { "data-autofocus": true } : {})}
          />
          <Radio.Group
            label="Initial priority of the rollback"
            description="A rollback is not automatically an emergency; a named person confirms the priority later."
            required
            value={form.values.initialPriority}
            onChange={(v) => form.setField("initialPriority", v)}
            error={form.errors.initialPriority}
          >
            <Stack gap={6} mt={6}>
              {RELEASE_PRIORITIES.map((p) => (
                <Radio
                  key={p}
                  value={p}
                  label={releasePriorityLabels[p]}
                  description={releasePriorityDescriptions[p]}
                />
              ))}
            </Stack>
          </Radio.Group>
          {open.error && !(isApiError(open.error) && open.error.code === "VALIDATION_FAILED") ? (
            <ErrorAlert error={open.error} title="The rollback was not requested" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={open.isPending}>
              Request the rollback
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
