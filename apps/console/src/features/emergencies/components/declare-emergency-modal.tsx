import {
  DeclareEmergencyRequestSchema,
  EMERGENCY_TYPES,
  emergencyTypeDescriptions,
  emergencyTypeLabels,
  releasePriorityLabels,
  type EmergencyType,
} from "@firebreak/domain";
import { Button, Group, Modal, MultiSelect, Radio, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { caseQueries } from "../../cases/cases.queries";
import { caseName } from "../../cases/components/case-card";
import { useDeclareEmergency } from "../emergencies.mutations";

const initialValues = { type: "" as EmergencyType | "", title: "", caseIds: [] as string[] };

/** Declare an emergency (ERT lead, or a holder of an active authority grant) and open its war room. */
export function DeclareEmergencyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const declare = useDeclareEmergency();
  const navigate = useNavigate();
  const cases = useQuery({ ...caseQueries.list({ open: true }), enabled: opened });
  const { attachForm, ...form } = useSchemaForm({
    schema: DeclareEmergencyRequestSchema,
    initialValues,
    toInput: (v) => ({ type: v.type || undefined, title: v.title, caseIds: v.caseIds }),
  });

  const close = () => {
    form.reset();
    declare.reset();
    onClose();
  };

  const caseOptions =
    cases.data?.items.map((c) => ({
      value: c.id,
      label: `${caseName(c)} — ${c.title}${c.priority ? ` (${releasePriorityLabels[c.priority]})` : ""}${c.emergencyId ? " · already in an emergency" : ""}`,
      disabled: c.emergencyId !== null,
    })) ?? [];

  return (
    <Modal opened={opened} onClose={close} title="Declare an emergency" size="lg">
      <form
        ref={attachForm}
        noValidate
        aria-label="Declare an emergency"
        onSubmit={form.handleSubmit((body) =>
          declare.mutate(body, {
            onSuccess: (e) => {
              notifications.show({ color: "red", title: "Emergency declared", message: e.record.title });
              close();
              void navigate(`/emergencies/${e.id}`);
            },
            onError: (error) => {
              if (isApiError(error)) {
                const inline = fieldErrorsFromDetails(error.details);
                if (Object.keys(inline).length > 0) form.setServerErrors(inline);
              }
            },
          }),
        )}
      >
        <Stack gap="md">
          <Radio.Group
            label="What kind of emergency?"
            required
            value={form.values.type}
            onChange={(v) => form.setField("type", v as EmergencyType)}
            error={form.errors.type}
          >
            <Stack gap="xs" mt={6}>
              {EMERGENCY_TYPES.map((t, i) => (
                <Radio
                  key={t}
                  value={t}
                  label={emergencyTypeLabels[t]}
                  description={emergencyTypeDescriptions[t]}
                  {...(i === 0 ? { "data-autofocus": true } : {})}
                />
              ))}
            </Stack>
          </Radio.Group>
          <TextInput
            label="Title"
            required
            placeholder="e.g. Sasser worm outbreak (MS04-011)"
            value={form.values.title}
            onChange={(e) => form.setField("title", e.currentTarget.value)}
            error={form.errors.title}
          />
          <MultiSelect
            label="Cases"
            description="The update cases this emergency is about; a case can be in one open emergency only"
            placeholder={cases.isPending ? "Loading the open cases…" : "Choose cases"}
            searchable
            data={caseOptions}
            value={form.values.caseIds}
            onChange={(v) => form.setField("caseIds", v)}
            error={form.errors.caseIds ?? Object.entries(form.errors).find(([k]) => k.startsWith("caseIds."))?.[1]}
          />
          <Text size="xs" c="dimmed">
            Declaring opens the war room and pages the response team. The process runs compressed, not skipped.
          </Text>
          {declare.error ? <ErrorAlert error={declare.error} title="The emergency was not declared" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={declare.isPending}>
              Declare emergency
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
