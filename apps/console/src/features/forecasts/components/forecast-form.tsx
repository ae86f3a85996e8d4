import {
  advertisementDialogLabels,
  CreateForecastBodySchema,
  FORECAST_HORIZON_HOURS_MAX,
  FORECAST_RUNS_MAX,
  FORECAST_RUNS_MIN,
  noLocalDpModeLabels,
  RELEASE_PRIORITIES,
  releasePriorityLabels,
  type AdvertisementRecord,
  type CreateForecastBodyInput,
  type NoLocalDpMode,
  type ReleasePriority,
} from "@firebreak/domain";
import {
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconPlayerPlay } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { fieldErrorsFromZod } from "../../../lib/use-schema-form";
import { bodyFromForm, formFromAdvertisement, type ForecastForm } from "../forecast-view";

export interface ForecastFormProps {
  advertisement: AdvertisementRecord;
  caseId: string | null;
  defaultPriority: ReleasePriority;
  canRun: boolean;
  /** Why the user cannot run one, when they cannot. */
  cannotRunReason: string;
  running: boolean;
  error: unknown;
  onRun: (body: CreateForecastBodyInput) => void;
}

/**
 * The draft: the advertisement as it is, with the settings a forecast compares — the slow-link box,
 * what Advanced Clients do without a local DP, the first mandatory assignment — and the run
 * options. Checked with the same schema the API checks the request with.
 */
export function ForecastDraftForm({
  advertisement,
  caseId,
  defaultPriority,
  canRun,
  cannotRunReason,
  running,
  error,
  onRun,
}: ForecastFormProps) {
  const [form, setForm] = useState<ForecastForm>(() => formFromAdvertisement(advertisement, defaultPriority));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof ForecastForm>(key: K, value: ForecastForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = bodyFromForm(advertisement, form, caseId);
    const parsed = CreateForecastBodySchema.safeParse(body);
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setErrors({});
    onRun(body);
  };

  return (
    <Card withBorder component="section" aria-labelledby="draft-heading">
      <Title order={2} size="h4" id="draft-heading" mb={4}>
        Draft
      </Title>
      <Text size="sm" mb="sm">
        {`Starts from advertisement ${advertisement.advertisementId} (${advertisement.packageId} / ${advertisement.programName} → ${advertisement.collectionId}) and the hierarchy as it is now: package size, sender addresses with their schedules and rate limits, distribution points, each computer's link and how often it is on.`}
      </Text>
      <form onSubmit={submit} noValidate aria-label="Forecast draft">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Stack gap="sm">
              <Checkbox
                label={advertisementDialogLabels.notMandatoryOverSlowLinks}
                description="Checked, clients on a slow link are not forced (SMS's default for a new assignment)."
                checked={form.notMandatoryOverSlowLinks}
                onChange={(e) => set("notMandatoryOverSlowLinks", e.currentTarget.checked)}
              />
              <Radio.Group
                label={advertisementDialogLabels.noLocalDpGroup}
                description="Advanced Clients on a slow link or roaming"
                value={form.noLocalDpMode}
                onChange={(v) => set("noLocalDpMode", v as NoLocalDpMode)}
              >
                <Stack gap={4} mt={4}>
                  {(Object.keys(noLocalDpModeLabels) as NoLocalDpMode[]).map((m) => (
                    <Radio key={m} value={m} label={noLocalDpModeLabels[m]} />
                  ))}
                </Stack>
              </Radio.Group>
              <TextInput
                type="datetime-local"
                label="First mandatory assignment"
                description={
                  advertisement.assignedSchedule.length > 1
                    ? `${advertisement.assignedSchedule.length} assignments; the others stay as they are.`
                    : "Your local time."
                }
                value={form.firstAssignment}
                onChange={(e) => set("firstAssignment", e.currentTarget.value)}
                error={
                  errors["fromAdvertisement.assignedSchedule.0.startTime"] ??
                  errors["fromAdvertisement.assignedSchedule"]
                }
              />
            </Stack>
            <Stack gap="sm">
              <TextInput
                type="datetime-local"
                label="Distribution starts"
                description="The forecast's hours count from here (your local time)."
                required
                value={form.startTime}
                onChange={(e) => set("startTime", e.currentTarget.value)}
                error={errors["fromAdvertisement.startTime"]}
              />
              <Select
                label="Release priority"
                description="Whose target and maximum the forecast judges"
                data={RELEASE_PRIORITIES.map((p) => ({ value: p, label: releasePriorityLabels[p] }))}
                value={form.priority}
                onChange={(v) => v && set("priority", v as ReleasePriority)}
                allowDeselect={false}
                error={errors.priority}
              />
              <NumberInput
                label="Runs per variant"
                description={`More runs give a steadier band and take longer (${FORECAST_RUNS_MIN}–${FORECAST_RUNS_MAX}).`}
                min={FORECAST_RUNS_MIN}
                max={FORECAST_RUNS_MAX}
                allowDecimal={false}
                value={form.runs}
                onChange={(v) => set("runs", typeof v === "number" ? v : Number(v))}
                error={errors.runs}
              />
              <NumberInput
                label="Look ahead (hours)"
                description="Empty: up to the priority's maximum. A shorter look ahead draws a finer curve (200 points)."
                min={1}
                max={FORECAST_HORIZON_HOURS_MAX}
                allowDecimal={false}
                value={form.horizonHours}
                onChange={(v) => set("horizonHours", v === "" ? "" : Number(v))}
                error={errors.horizonHours}
              />
              <NumberInput
                label="Program success rate (%)"
                description="Share of program runs that succeed. Reruns are not modelled, so no curve rises above it."
                min={0}
                max={100}
                decimalScale={1}
                value={form.programSuccessPct}
                onChange={(v) => set("programSuccessPct", typeof v === "number" ? v : Number(v))}
                error={errors.programSuccessPct}
              />
            </Stack>
          </SimpleGrid>
          {error ? <ErrorAlert error={error} title="The forecast did not start" /> : null}
          <Group justify="flex-end" gap="sm">
            {!canRun ? (
              <Text size="sm" c="dimmed">
                {cannotRunReason}
              </Text>
            ) : null}
            <Button
              type="submit"
              disabled={!canRun}
              loading={running}
              leftSection={<IconPlayerPlay size={16} aria-hidden />}
            >
              Run forecast
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
