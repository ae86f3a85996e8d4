import {
  rollbackStateLabels,
  type RollbackActionInput,
  type RollbackActionType,
  type RollbackDetail,
} from "@firebreak/domain";
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  type ButtonProps,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconInfoCircle, IconLock } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { z } from "zod";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import {
  ROLLBACK_FORMS,
  initialRollbackValues,
  rollbackActionBody,
  type RollbackFieldSpec,
  type RollbackFormValues,
} from "../rollback-forms";
import { useRollbackAction } from "../rollbacks.mutations";
import { rollbackKeys } from "../rollbacks.queries";

function RollbackActionModal({
  detail,
  action,
  label,
  fixed,
  summary,
  note,
  onClose,
}: {
  detail: RollbackDetail;
  action: RollbackActionType;
  label: string;
  fixed: Record<string, unknown>;
  summary?: ReactNode;
  note?: string | undefined;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const mutation = useRollbackAction();
  // The version the form opened with goes out as If-Match: a change meanwhile is a 412, not an overwrite.
  const [version] = useState(detail.version);
  const spec = ROLLBACK_FORMS[action];
  const { attachForm, ...form } = useSchemaForm<RollbackFormValues, z.ZodType>({
    schema: spec.schema,
    initialValues: initialRollbackValues(action, detail),
    toInput: (v) => rollbackActionBody(action, v, fixed),
  });

  const submit = form.handleSubmit(() => {
    const body = { type: action, ...rollbackActionBody(action, form.values, fixed) } as RollbackActionInput;
    mutation.mutate(
      { rollback: { id: detail.id, version }, action: body },
      {
        onSuccess: (next) => {
          notifications.show({
            color: "green",
            title: label,
            message: [
              `Done: the rollback is ${rollbackStateLabels[next.status].toLowerCase()}.`,
              ...(next.warnings ?? []),
            ].join(" "),
          });
          onClose();
        },
        onError: (error) => {
          if (isApiError(error) && error.code === "VALIDATION_FAILED") {
            const inline = fieldErrorsFromDetails(error.details);
            if (Object.keys(inline).length > 0) form.setServerErrors(inline);
          }
          if (isApiError(error) && error.status === 409)
            void queryClient.invalidateQueries({ queryKey: rollbackKeys.detail(detail.id) });
        },
      },
    );
  });

  const field = (f: RollbackFieldSpec, index: number) => {
    const value = form.values[f.name];
    const error = form.errors[f.name];
    const autoFocus = index === 0 ? { "data-autofocus": true } : {};
    const common = { label: f.label, description: f.description, required: f.required, error };
    switch (f.kind) {
      case "checkbox":
        return (
          <Checkbox
            key={f.name}
            label={f.label}
            description={f.description}
            checked={value === true}
            onChange={(e) => form.setField(f.name, e.currentTarget.checked)}
            error={error}
            {...autoFocus}
          />
        );
      case "radio":
        return (
          <Radio.Group key={f.name} {...common} value={String(value ?? "")} onChange={(v) => form.setField(f.name, v)}>
            <Group mt={6}>
              {(f.options ?? []).map((o, i) => (
                <Radio key={o.value} value={o.value} label={o.label} {...(i === 0 ? autoFocus : {})} />
              ))}
            </Group>
          </Radio.Group>
        );
      case "select":
        return (
          <Select
            key={f.name}
            {...common}
            data={f.options ?? []}
            value={typeof value === "string" && value ? value : null}
            onChange={(v) => form.setField(f.name, v ?? "")}
            allowDeselect={false}
            {...autoFocus}
          />
        );
      case "textarea":
        return (
          <Textarea
            key={f.name}
            {...common}
            autosize
            minRows={action === "review" ? 6 : 2}
            value={String(value ?? "")}
            onChange={(e) => form.setField(f.name, e.currentTarget.value)}
            {...autoFocus}
          />
        );
      default:
        return (
          <TextInput
            key={f.name}
            {...common}
            inputMode={f.kind === "number" ? "decimal" : undefined}
            ff={f.monospace ? "monospace" : undefined}
            value={String(value ?? "")}
            onChange={(e) => form.setField(f.name, e.currentTarget.value)}
            {...autoFocus}
          />
        );
    }
  };

  // Fields of the fixed part (e.g. a stale fingerprint) have no input: their errors show here.
  const fixedError = Object.entries(form.errors).find(([k]) => k === "_form" || k in fixed)?.[1];

  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={650}>{label}</Text>}>
      <form ref={attachForm} onSubmit={submit} noValidate aria-label={label}>
        <Stack gap="md">
          <Text size="sm">{spec.intro}</Text>
          {summary}
          {note ? (
            <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />}>
              {note}
            </Alert>
          ) : null}
          {spec.fields.map(field)}
          {fixedError ? (
            <Text size="sm" c="red" role="alert">
              {fixedError}
            </Text>
          ) : null}
          {mutation.error ? (
            <ProcessErrorAlert
              error={mutation.error}
              title={`${label} did not happen`}
              onReload={() => {
                onClose();
                void queryClient.invalidateQueries({ queryKey: rollbackKeys.detail(detail.id) });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={spec.danger ? "red" : undefined} loading={mutation.isPending}>
              {label}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * One rollback action as the API offers it (`availableActions`): nothing when the action is not
 * open in this state, a disabled button with the reason in words when the role or a condition is
 * missing, else a button that opens the action's form.
 */
export function RollbackActionButton({
  detail,
  action,
  label,
  fixed = {},
  summary,
  disabledReason,
  variant,
  size = "sm",
}: {
  detail: RollbackDetail;
  action: RollbackActionType;
  /** Defaults to the API's label. */
  label?: string;
  /** Body fields the screen decides (fingerprint, targeting, test id). */
  fixed?: Record<string, unknown>;
  /** Shown in the form above the fields: what will happen. */
  summary?: ReactNode;
  /** A reason of the screen's own to keep the button disabled (e.g. no option chosen yet). */
  disabledReason?: string | null;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
}) {
  const [opened, setOpened] = useState(false);
  const offered = detail.availableActions.find((a) => a.action === action);
  if (!offered) return null;
  const text = label ?? offered.label;
  const reason = !offered.enabled ? `Not available: ${offered.reason ?? ""}` : (disabledReason ?? null);
  const reasonId = `rollback-action-${action}-reason`;
  const danger = ROLLBACK_FORMS[action].danger;
  return (
    <Stack gap={4}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Button
          size={size}
          color={danger ? "red" : undefined}
          variant={variant ?? (reason ? "default" : danger ? "outline" : "filled")}
          disabled={reason !== null}
          leftSection={reason ? <IconLock size={14} aria-hidden /> : null}
          aria-describedby={reason || offered.note ? reasonId : undefined}
          onClick={() => setOpened(true)}
        >
          {text}
        </Button>
        {reason || offered.note ? (
          <Text size="xs" id={reasonId} c={reason ? undefined : "dimmed"} style={{ flex: 1 }}>
            {reason ?? offered.note}
          </Text>
        ) : null}
      </Group>
      {opened ? (
        <RollbackActionModal
          detail={detail}
          action={action}
          label={text}
          fixed={fixed}
          summary={summary}
          note={offered.note}
          onClose={() => setOpened(false)}
        />
      ) : null}
    </Stack>
  );
}
