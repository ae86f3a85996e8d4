import {
  DRILL_ROLES,
  DrillPlanSchema,
  drillRoleLabels,
  roleLabels,
  type DrillRole,
  type DrillScenarioView,
  type DrillStaffList,
} from "@firebreak/domain";
import { ActionIcon, Alert, Button, Fieldset, Group, NumberInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useNavigate } from "react-router";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { FORM_ERROR, useSchemaForm } from "../../../lib/use-schema-form";
import { usePlanDrill } from "../drills.mutations";

interface Values extends Record<string, unknown> {
  scenarioId: string;
  title: string;
  /** datetime-local value (local time), e.g. 2026-11-26T09:00 */
  scheduledStart: string;
  umpireId: string;
  timeScale: number | "";
  participants: { userId: string; drillRole: DrillRole | "" }[];
}

const localNow = () => {
  const d = new Date(Date.now() + 60 * 60_000);
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

const toInput = (v: Values) => ({
  scenarioId: v.scenarioId,
  title: v.title,
  scheduledStart: v.scheduledStart ? new Date(v.scheduledStart).toISOString() : "",
  umpireId: v.umpireId,
  participants: v.participants.map((p) => ({ userId: p.userId, drillRole: p.drillRole || undefined })),
  ...(v.timeScale === "" ? {} : { timeScale: v.timeScale }),
});

/** Plans a drill with the same schema the API validates with (DrillPlanSchema). */
export function PlanDrillForm({
  scenarios,
  staff,
  onCancel,
}: {
  scenarios: DrillScenarioView[];
  staff: DrillStaffList["items"];
  onCancel?: () => void;
}) {
  const plan = usePlanDrill();
  const navigate = useNavigate();
  const { attachForm, ...form } = useSchemaForm({
    schema: DrillPlanSchema,
    initialValues: {
      scenarioId: "",
      title: "",
      scheduledStart: localNow(),
      umpireId: "",
      timeScale: "",
      participants: [{ userId: "", drillRole: "" }],
    } as Values,
    toInput,
  });
  const { values, errors, setField } = form;
  const people = staff.map((u) => ({ value: u.id, label: `${u.displayName} (${roleLabels[u.role]})` }));
  const scenario = scenarios.find((s) => s.id === values.scenarioId);
  const setParticipant = (i: number, patch: Partial<Values["participants"][number]>) =>
    setField(
      "participants",
      values.participants.map((p, k) => (k === i ? { ...p, ...patch } : p)),
    );

  return (
    <form
      ref={attachForm}
      onSubmit={form.handleSubmit((data) => {
        plan.mutate(data, {
          onSuccess: (d) => void navigate(`/drills/${d.id}`),
          onError: (error) => {
            if (isApiError(error) && error.details?.length) form.setServerErrors(fieldErrorsFromDetails(error.details));
          },
        });
      })}
      noValidate
      aria-label="Plan a drill"
    >
      <Stack gap="sm">
        <Select
          label="Scenario"
          placeholder="Choose a scenario"
          data={scenarios.map((s) => ({ value: s.id, label: s.name }))}
          value={values.scenarioId || null}
          onChange={(v) => setField("scenarioId", v ?? "")}
          error={errors.scenarioId}
          required
          allowDeselect={false}
        />
        {scenario ? (
          <Text size="sm" c="dimmed">
            {scenario.description} Time scale × {scenario.timeScale}, {scenario.durationMinutes} minutes,{" "}
            {scenario.injects.length} injects.
          </Text>
        ) : null}
        <TextInput
          label="Title"
          value={values.title}
          onChange={(e) => setField("title", e.currentTarget.value)}
          error={errors.title}
          required
        />
        <TextInput
          type="datetime-local"
          label="Scheduled start"
          value={values.scheduledStart}
          onChange={(e) => setField("scheduledStart", e.currentTarget.value)}
          error={errors.scheduledStart}
          required
        />
        <Select
          label="Umpire"
          description="Runs the drill: starts, pauses, fires injects and ends it. Cannot also take part."
          placeholder="Choose the umpire"
          data={people}
          searchable
          value={values.umpireId || null}
          onChange={(v) => setField("umpireId", v ?? "")}
          error={errors.umpireId}
          required
        />
        <NumberInput
          label="Time scale (optional)"
          description={`Simulated hours per real hour; empty = the scenario's${scenario ? ` (× ${scenario.timeScale})` : ""}.`}
          min={1}
          max={240}
          value={values.timeScale}
          onChange={(v) => setField("timeScale", typeof v === "number" ? v : "")}
          error={errors.timeScale}
        />
        <Fieldset legend="Participants and their drill roles">
          <Stack gap="xs">
            {values.participants.map((p, i) => (
              <Group key={i} align="flex-end" wrap="wrap">
                <Select
                  label={`Participant ${i + 1}`}
                  placeholder="Choose a person"
                  data={people}
                  searchable
                  value={p.userId || null}
                  onChange={(v) => setParticipant(i, { userId: v ?? "" })}
                  error={errors[`participants.${i}.userId`]}
                  style={{ flex: 2, minWidth: 200 }}
                />
                <Select
                  label={`Drill role of participant ${i + 1}`}
                  placeholder="Choose a drill role"
                  data={DRILL_ROLES.map((r) => ({ value: r, label: drillRoleLabels[r] }))}
                  value={p.drillRole || null}
                  onChange={(v) => setParticipant(i, { drillRole: (v ?? "") as DrillRole | "" })}
                  error={errors[`participants.${i}.drillRole`]}
                  style={{ flex: 1, minWidth: 180 }}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label={`Remove participant ${i + 1}`}
                  disabled={values.participants.length === 1}
                  onClick={() =>
                    setField(
                      "participants",
                      values.participants.filter((_, k) => k !== i),
                    )
                  }
                >
                  <IconTrash size={18} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
            {errors.participants ? (
              <Text c="red.8" size="sm" role="alert">
                {errors.participants}
              </Text>
            ) : null}
            <Button
              variant="default"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setField("participants", [...values.participants, { userId: "", drillRole: "" }])}
              style={{ alignSelf: "flex-start" }}
            >
              Add participant
            </Button>
          </Stack>
        </Fieldset>
        {errors[FORM_ERROR] ? <Alert color="red">{errors[FORM_ERROR]}</Alert> : null}
        {plan.isError ? <ErrorAlert error={plan.error} title="The drill was not planned" /> : null}
        <Group>
          <Button type="submit" loading={plan.isPending}>
            Plan drill
          </Button>
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}
