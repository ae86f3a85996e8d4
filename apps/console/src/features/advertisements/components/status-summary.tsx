import { CLIENT_STATES, clientStateLabels, type ClientState } from "@firebreak/domain";
import { BarsList } from "@mantine/charts";
import { Card, Group, RingProgress, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatCount } from "../../../lib/format";
import { advertisementQueries } from "../advertisements.queries";

const stateColor: Partial<Record<ClientState, string>> = {
  SUCCEEDED: "green",
  FAILED: "red",
  REJECTED: "red",
  RUNNING: "blue",
  DOWNLOAD_IN_PROGRESS: "blue",
  DOWNLOAD_COMPLETE: "cyan",
  WAITING: "yellow",
  RETRYING: "orange",
  REBOOT_PENDING: "grape",
  ACCEPTED: "indigo",
};

/** Client states of the targeted computers (clientStateLabels) and the compliance percentage. */
export function StatusSummary({ advertisementId }: { advertisementId: string }) {
  const status = useQuery(advertisementQueries.status(advertisementId));
  return (
    <Card withBorder component="section" aria-labelledby="status-heading" aria-busy={status.isPending || undefined}>
      <Title order={2} size="h4" id="status-heading" mb="sm">
        Status
      </Title>
      {status.isPending ? (
        <Group align="flex-start" gap="lg" aria-label="Loading the status">
          <Skeleton circle height={110} />
          <Stack gap={8} style={{ flex: 1 }}>
            <Skeleton height={22} />
            <Skeleton height={22} width="80%" />
            <Skeleton height={22} width="55%" />
          </Stack>
        </Group>
      ) : status.isError ? (
        <ErrorAlert error={status.error} title="Could not load the status" />
      ) : status.data.targeted === 0 ? (
        <Text size="sm">No computer is targeted: the collection is empty or not evaluated yet.</Text>
      ) : (
        <Group align="flex-start" gap="xl" wrap="wrap">
          <Stack gap={4} align="center">
            <RingProgress
              size={120}
              thickness={12}
              roundCaps
              sections={[{ value: status.data.compliancePct, color: "green" }]}
              label={
                <Text ta="center" fw={700} size="lg">
                  {status.data.compliancePct.toFixed(1)} %
                </Text>
              }
              aria-hidden
            />
            <Text size="sm" ta="center">
              {`${status.data.compliancePct.toFixed(1)} % succeeded`}
              <br />
              {`${formatCount(status.data.succeeded)} of ${formatCount(status.data.targeted)} targeted`}
            </Text>
          </Stack>
          <div style={{ flex: 1, minWidth: 260 }}>
            <BarsList
              barsLabel="Client state"
              valueLabel="Computers"
              barHeight={26}
              minBarSize={4}
              styles={{ barLabel: { whiteSpace: "nowrap", overflow: "visible" } }}
              valueFormatter={formatCount}
              data={[
                ...CLIENT_STATES.filter((s) => (status.data.byState[s] ?? 0) > 0).map((s) => ({
                  name: clientStateLabels[s],
                  value: status.data.byState[s] ?? 0,
                  color: stateColor[s] ?? "gray",
                })),
                ...(status.data.noStatus > 0
                  ? [{ name: "No status yet", value: status.data.noStatus, color: "gray" }]
                  : []),
              ].sort((a, b) => b.value - a.value)}
            />
          </div>
        </Group>
      )}
    </Card>
  );
}
