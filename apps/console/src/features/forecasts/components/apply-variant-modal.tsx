import { forecastVariantLabels, type ForecastVariant } from "@firebreak/domain";
import { Alert, Button, Group, List, Loader, Modal, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useApplyVariant } from "../forecasts.mutations";
import { forecastKeys, forecastQueries } from "../forecasts.queries";

export interface ApplyVariantModalProps {
  forecastId: string;
  variant: ForecastVariant;
  onClose: () => void;
  onApplied?: () => void;
}

/**
 * The confirmation of "Apply this variant…": reads what applying would change now (the server
 * plans it from the current state) and lists exactly that — the advertisement's settings, the
 * sender addresses opened, the sites sent a Courier parcel, and the out-of-band tasks created.
 */
export function ApplyVariantModal({ forecastId, variant, onClose, onApplied }: ApplyVariantModalProps) {
  const queryClient = useQueryClient();
  const preview = useQuery(forecastQueries.preview(forecastId, variant));
  const apply = useApplyVariant();
  const p = preview.data;
  const label = forecastVariantLabels[variant];
  const blocked = !p || p.nothingLeft || p.changedSinceForecast;

  return (
    <Modal opened onClose={onClose} title={`Apply “${label}”`} size="lg">
      <Stack gap="md" aria-live="polite">
        {preview.isPending ? (
          <Group gap="xs">
            <Loader size="sm" aria-hidden />
            <Text size="sm">Reading what would change…</Text>
          </Group>
        ) : preview.isError ? (
          <ErrorAlert error={preview.error} title="What would change could not be read" />
        ) : p ? (
          <>
            {p.notApplied.length > 0 ? (
              <Alert
                color="orange"
                variant="light"
                icon={<IconAlertTriangle aria-hidden />}
                title="Not everything the forecast assumed can be applied"
              >
                <List size="sm" spacing={4}>
                  {p.notApplied.map((t) => (
                    <List.Item key={t}>{t}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {p.nothingLeft ? (
              <Alert
                color={p.notApplied.length > 0 ? "gray" : "green"}
                variant="light"
                icon={<IconCheck aria-hidden />}
                title="Nothing to change"
              >
                <Text size="sm">{p.message}</Text>
              </Alert>
            ) : (
              <>
                <div>
                  <Title order={3} size="h5" mb={4} id="apply-changes-heading">
                    {p.changes.length === 1
                      ? "This change is made in one step, recorded in the audit log:"
                      : `These ${p.changes.length} changes are made in one step, each recorded in the audit log:`}
                  </Title>
                  <List size="sm" spacing={4} aria-labelledby="apply-changes-heading">
                    {p.changes.map((c) => (
                      <List.Item key={`${c.entity}:${c.id}`}>{c.summary}</List.Item>
                    ))}
                  </List>
                </div>
                {p.tasks.length > 0 ? (
                  <div>
                    <Title order={3} size="h5" mb={4} id="apply-tasks-heading">
                      Out-of-band tasks created
                    </Title>
                    <List size="sm" spacing={4} aria-labelledby="apply-tasks-heading">
                      {p.tasks.map((t) => (
                        <List.Item key={t}>{t}</List.Item>
                      ))}
                    </List>
                  </div>
                ) : null}
                {p.changedSinceForecast ? (
                  <Alert
                    color="orange"
                    variant="light"
                    role="alert"
                    icon={<IconAlertTriangle aria-hidden />}
                    title="The advertisement changed after this forecast"
                  >
                    <Text size="sm">{p.message}</Text>
                  </Alert>
                ) : null}
              </>
            )}
          </>
        ) : null}
        {apply.error ? (
          <ProcessErrorAlert
            error={apply.error}
            title="The variant was not applied"
            onReload={() => {
              apply.reset();
              void queryClient.invalidateQueries({ queryKey: forecastKeys.preview(forecastId, variant) });
            }}
          />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {p?.nothingLeft ? "Close" : "Cancel"}
          </Button>
          {!p?.nothingLeft ? (
            <Button
              data-autofocus
              disabled={blocked}
              loading={apply.isPending}
              onClick={() =>
                p &&
                apply.mutate(
                  { forecastId, variant, advertisementVersion: p.advertisementVersion },
                  {
                    onSuccess: (r) => {
                      notifications.show({
                        color: r.applied ? "green" : "blue",
                        title: `“${label}” applied`,
                        message: r.message,
                      });
                      onApplied?.();
                      onClose();
                    },
                  },
                )
              }
            >
              {`Apply “${label}”`}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Modal>
  );
}
