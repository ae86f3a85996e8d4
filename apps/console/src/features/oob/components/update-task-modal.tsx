import {
  isOobTaskClosed,
  OOB_METHODS,
  oobMethodLabels,
  oobTaskStateLabels,
  oobTransitions,
  transitionOobTask,
  UpdateOobTaskBodySchema,
  type OobMethod,
  type OobTaskRecord,
  type OobTaskState,
} from "@firebreak/domain";
import { Button, Checkbox, Group, Modal, Select, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { FORM_ERROR, useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useUpdateOobTask } from "../oob.mutations";
import { oobKeys } from "../oob.queries";

interface TaskFormValues extends Record<string, unknown> {
  to: OobTaskState;
  method: OobMethod;
  takeIt: boolean;
  evidence: string;
  note: string;
}

/** States a task can be put in from here: the machine's moves, or the same state to edit it in place. */
export function targetStates(state: OobTaskState): OobTaskState[] {
  const moves = oobTransitions[state];
  return isOobTaskClosed(state) ? [] : [state, ...moves.filter((s) => s !== state)];
}

/**
 * Move a task, change its method, take it over, record evidence. DONE needs evidence; FAILED and
 * NOT_NEEDED a note (UpdateOobTaskBodySchema, the API's own rules).
 */
export function UpdateTaskModal({ task, me, onClose }: { task: OobTaskRecord; me: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const update = useUpdateOobTask();
  const t = task.record;
  const { attachForm, ...form } = useSchemaForm({
    schema: UpdateOobTaskBodySchema,
    initialValues: {
      to: t.state,
      method: t.method,
      takeIt: false,
      evidence: t.evidence ?? "",
      note: "",
    } as TaskFormValues,
    toInput: (v) => ({
      to: v.to,
      method: v.method !== t.method ? v.method : undefined,
      ownerId: v.takeIt ? me : undefined,
      evidence: v.evidence.trim() ? v.evidence : undefined,
      note: v.note.trim() ? v.note : undefined,
    }),
  });
  const v = form.values;

  const submit = form.handleSubmit((body) => {
    if (body.to !== t.state) {
      // The domain's move rules, checked here too so the answer comes before the round trip.
      const check = transitionOobTask(t, body, new Date());
      if (!check.ok) {
        form.setServerErrors({ [FORM_ERROR]: check.reason });
        return;
      }
    }
    update.mutate(
      { task, body },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: "green",
            title: "Task updated",
            message: `${saved.record.targetRef.label ?? saved.record.targetRef.id}: ${oobTaskStateLabels[saved.record.state]}`,
          });
          onClose();
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

  return (
    <Modal opened onClose={onClose} title={`Update task: ${t.targetRef.label ?? t.targetRef.id}`} size="lg">
      <form ref={attachForm} onSubmit={submit} noValidate aria-label="Update the task">
        <Stack gap="md">
          <Text size="sm">{t.reason}</Text>
          <Select
            label="State"
            data={targetStates(t.state).map((s) => ({
              value: s,
              label: s === t.state ? `${oobTaskStateLabels[s]} (keep)` : oobTaskStateLabels[s],
            }))}
            value={v.to}
            allowDeselect={false}
            onChange={(s) => s && form.setField("to", s as OobTaskState)}
            error={form.errors.to}
            data-autofocus
          />
          <Select
            label="Method"
            data={OOB_METHODS.map((m) => ({ value: m, label: oobMethodLabels[m] }))}
            value={v.method}
            allowDeselect={false}
            onChange={(m) => m && form.setField("method", m as OobMethod)}
            error={form.errors.method}
          />
          {task.record.ownerId === me ? (
            <Text size="sm">You own this task.</Text>
          ) : (
            <Checkbox
              label={task.ownerName ? `Take it over from ${task.ownerName}` : "Make me the owner"}
              checked={v.takeIt}
              onChange={(e) => form.setField("takeIt", e.currentTarget.checked)}
              error={form.errors.ownerId}
            />
          )}
          <Textarea
            label="Evidence"
            description="What was installed, where, and how it was checked. Needed to mark the task Done."
            required={v.to === "DONE"}
            autosize
            minRows={2}
            value={v.evidence}
            onChange={(e) => form.setField("evidence", e.currentTarget.value)}
            error={form.errors.evidence}
          />
          {v.to === "FAILED" || v.to === "NOT_NEEDED" ? (
            <Textarea
              label={v.to === "FAILED" ? "Why it failed" : "Why it is not needed"}
              required
              autosize
              minRows={2}
              value={v.note}
              onChange={(e) => form.setField("note", e.currentTarget.value)}
              error={form.errors.note}
            />
          ) : null}
          {form.errors[FORM_ERROR] ? (
            <Text size="sm" c="var(--mantine-color-error)" role="alert">
              {form.errors[FORM_ERROR]}
            </Text>
          ) : null}
          {update.error ? (
            <ProcessErrorAlert
              error={update.error}
              title="The task was not updated"
              onReload={() => {
                update.reset();
                onClose();
                void queryClient.invalidateQueries({ queryKey: oobKeys.all });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save task
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
