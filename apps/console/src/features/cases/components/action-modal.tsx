import type { CaseActionInput, CaseActionType, CaseDetail } from "@firebreak/domain";
import {
  Alert,
  Badge,
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
} from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { advertisementQueries } from "../../advertisements/advertisements.queries";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { ACTION_FORMS, actionBody, initialActionValues, type ActionValues, type FieldSpec } from "../action-forms";

export interface PendingAction {
  action: CaseActionType;
  /** The case's version when the form opened: sent as If-Match, so a change meanwhile is a 412. */
  version: number;
  label: string;
  gate?: string | undefined;
  note?: string | undefined;
}

function AdvertisementField({
  field,
  value,
  error,
  packageId,
  onChange,
}: {
  field: FieldSpec;
  value: string;
  error: string | undefined;
  packageId: string | null;
  onChange: (v: string) => void;
}) {
  const adverts = useQuery(advertisementQueries.list());
  const items = (adverts.data?.items ?? []).filter((a) => !packageId || a.packageId === packageId);
  const data = items.map((a) => ({
    value: a.advertisementId,
    label: `${a.advertisementId} · ${a.advertisementName}${a.mandatory ? " (mandatory)" : ""}`,
  }));
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  return (
    <Select
      label={field.label}
      required={field.required}
      searchable
      description={packageId ? `Advertisements of package ${packageId}` : "The advertisement that carries the release"}
      placeholder={adverts.isPending ? "Loading advertisements…" : "Choose the advertisement"}
      data={data}
      value={value || null}
      onChange={(v) => onChange(v ?? "")}
      error={error}
      nothingFoundMessage="No advertisement for this package yet: build it under Sites & senders first"
    />
  );
}

/** The form of one case action, from its body schema; submit sends it with If-Match. */
export function ActionModal({
  pending,
  caseDetail,
  submitting,
  error,
  onSubmit,
  onClose,
  onReload,
}: {
  pending: PendingAction;
  caseDetail: CaseDetail;
  submitting: boolean;
  error: unknown;
  /** Sends the action; `showFieldErrors` puts the API's validation details on the fields. */
  onSubmit: (action: CaseActionInput, showFieldErrors: (errors: Record<string, string>) => void) => void;
  onClose: () => void;
  /** After a 412: fetch the case again and close the form. */
  onReload: () => void;
}) {
  const spec = ACTION_FORMS[pending.action];
  const { attachForm, ...form } = useSchemaForm<ActionValues, z.ZodType>({
    schema: spec.schema,
    initialValues: initialActionValues(pending.action, caseDetail),
    toInput: (v) => actionBody(pending.action, v),
  });

  const submit = form.handleSubmit(() => {
    const action = { type: pending.action, ...actionBody(pending.action, form.values) } as CaseActionInput;
    onSubmit(action, form.setServerErrors);
  });

  const field = (f: FieldSpec, index: number) => {
    const value = form.values[f.name];
    const error = form.errors[f.name];
    const common = { label: f.label, description: f.description, required: f.required, error };
    const autoFocus = index === 0 ? { "data-autofocus": true } : {};
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
      case "yesno":
        return (
          <Radio.Group
            key={f.name}
            {...common}
            value={typeof value === "string" ? value : ""}
            onChange={(v) => form.setField(f.name, v)}
          >
            <Group mt={6}>
              <Radio value="yes" label="Yes" {...autoFocus} />
              <Radio value="no" label="No" />
            </Group>
          </Radio.Group>
        );
      case "select":
        return (
          <Select
            key={f.name}
            {...common}
            data={f.options ?? []}
            placeholder={f.required ? "Choose…" : "Leave as it is"}
            clearable={!f.required}
            value={typeof value === "string" && value ? value : null}
            onChange={(v) => form.setField(f.name, v ?? "")}
            {...autoFocus}
          />
        );
      case "advertisement":
        return (
          <AdvertisementField
            key={f.name}
            field={f}
            value={String(value ?? "")}
            error={error}
            packageId={caseDetail.record.packageId}
            onChange={(v) => form.setField(f.name, v)}
          />
        );
      case "textarea":
        return (
          <Textarea
            key={f.name}
            {...common}
            autosize
            minRows={pending.action === "review" ? 6 : 2}
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
            type={f.kind === "date" ? "date" : f.kind === "datetime" ? "datetime-local" : "text"}
            ff={f.monospace ? "monospace" : undefined}
            value={String(value ?? "")}
            onChange={(e) => form.setField(f.name, e.currentTarget.value)}
            {...autoFocus}
          />
        );
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={
        <Group gap="xs">
          <Text fw={650}>{pending.label}</Text>
          {pending.gate ? (
            <Badge variant="light" color="gray" tt="none">
              {`Gate ${pending.gate}`}
            </Badge>
          ) : null}
        </Group>
      }
    >
      <form ref={attachForm} onSubmit={submit} noValidate aria-label={pending.label}>
        <Stack gap="md">
          <Text size="sm">{spec.intro}</Text>
          {pending.note ? (
            <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />}>
              {pending.note}
            </Alert>
          ) : null}
          {spec.fields.map(field)}
          {error ? (
            <ProcessErrorAlert error={error} title={`${pending.label} did not happen`} onReload={onReload} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={spec.danger ? "red" : undefined} loading={submitting}>
              {pending.label}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
