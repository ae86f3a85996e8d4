import { forecastStatusLabels, type ForecastRecord } from "@firebreak/domain";
import { Alert, Card, Group, Progress, Text, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { formatDateTime } from "../../../lib/format";

/**
 * Where a forecast stands: a progress bar of the simulated runs while it is queued or running (the
 * page reads it every second), the failure in words, or when it finished.
 */
export function ForecastStatus({ forecast }: { forecast: ForecastRecord }) {
  const pct = forecast.runsTotal === 0 ? 0 : Math.round((100 * forecast.runsDone) / forecast.runsTotal);
  if (forecast.status === "FAILED")
    return (
      <Alert
        color="red"
        variant="light"
        role="alert"
        icon={<IconAlertCircle aria-hidden />}
        title="The forecast failed"
      >
        <Text size="sm">{forecast.error ?? "No reason was given."} Change the draft and run it again.</Text>
      </Alert>
    );
  if (forecast.status === "DONE")
    return (
      <Text size="sm" c="dimmed" role="status">
        {`Forecast of ${formatDateTime(forecast.createdAt)}, finished ${forecast.finishedAt ? formatDateTime(forecast.finishedAt) : ""}: ${forecast.runsTotal} simulated runs.`}
      </Text>
    );
  return (
    <Card withBorder component="section" aria-labelledby="forecast-progress-heading">
      <Group justify="space-between" mb={6}>
        <Title order={2} size="h4" id="forecast-progress-heading">
          {forecast.status === "QUEUED" ? "Waiting for a free forecast slot…" : "Forecasting…"}
        </Title>
        <Text size="sm" role="status" aria-live="polite">
          {`${forecastStatusLabels[forecast.status]}: ${forecast.runsDone} of ${forecast.runsTotal} runs`}
        </Text>
      </Group>
      <Progress.Root
        size="lg"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label="Forecast progress"
        aria-valuetext={`${forecast.runsDone} of ${forecast.runsTotal} runs simulated`}
      >
        <Progress.Section value={pct} animated={forecast.status === "RUNNING"} withAria={false} />
      </Progress.Root>
      <Text size="xs" c="dimmed" mt={6}>
        The forecast runs on the server; you can leave this page and come back.
      </Text>
    </Card>
  );
}
