import { Anchor, Badge, Group, Paper, Progress, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { ScrollTable } from "../components/ui/scroll-table";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { AdvertStateBadge, MandatoryBadge } from "../features/advertisements/components/advert-badges";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { monitorQueries } from "../features/monitoring/monitoring.queries";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { formatCount, formatDateTime } from "../lib/format";

const item = navItemFor("/deployments");

export const deploymentsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(advertisementQueries.list());
    void queryClient.prefetchQuery(monitorQueries.compliance());
    return null;
  };

/** Pick an advertisement to watch; active ones first. */
export function DeploymentsRoute() {
  const adverts = useQuery(advertisementQueries.list());
  const items = [...(adverts.data?.items ?? [])]
    .filter((a) => a.state !== "DELETED")
    .sort(
      (a, b) =>
        Number(b.state === "ACTIVE") - Number(a.state === "ACTIVE") ||
        Date.parse(b.presentTime) - Date.parse(a.presentTime),
    );
  return (
    <>
      <PageHeader
        title="Deployments"
        description="Choose an advertisement to watch its rollout live: compliance, the coverage curve, sites and link classes, failures and the computers that never reported. Or choose an update to see its compliance across the fleet."
      />
      <Title order={2} size="h3" mb="sm" id="by-advertisement-heading">
        By advertisement
      </Title>
      {adverts.isPending ? (
        <Stack gap="xs" aria-label="Loading the advertisements" aria-busy>
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      ) : adverts.isError ? (
        <ErrorAlert error={adverts.error} title="Could not load the advertisements" />
      ) : items.length === 0 ? (
        <FleetEmpty title="No advertisement to watch yet">
          <Text component="span" size="sm">
            A deployment starts when an advertisement offers a package&apos;s program to a collection. Create one under
            Sites &amp; senders → Advertisements, or import a fleet with <code>pnpm sim</code>.
          </Text>
        </FleetEmpty>
      ) : (
        <Paper withBorder>
          <ScrollTable minWidth={720} label="Advertisements">
            <Table highlightOnHover verticalSpacing="sm" aria-label="Advertisements">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Advertisement</Table.Th>
                  <Table.Th scope="col">Package / program</Table.Th>
                  <Table.Th scope="col">Collection</Table.Th>
                  <Table.Th scope="col">Available from</Table.Th>
                  <Table.Th scope="col">Settings</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((a) => (
                  <Table.Tr key={a.advertisementId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/deployments/${encodeURIComponent(a.advertisementId)}`} fw={600}>
                        {a.advertisementName}
                      </Anchor>
                      <Text size="xs" ff="monospace" c="dimmed">
                        {a.advertisementId}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">{`${a.packageId} / ${a.programName}`}</Text>
                      {a.programDisabled ? (
                        <Badge size="xs" color="red" variant="filled" tt="none">
                          Program disabled
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {a.collectionId}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(a.presentTime)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <AdvertStateBadge state={a.state} />
                        <MandatoryBadge mandatory={a.mandatory} />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </Paper>
      )}
      <ByUpdate />
    </>
  );
}

/** Every update with compliance rows, least installed first, each linked to its monitor. */
function ByUpdate() {
  const compliance = useQuery(monitorQueries.compliance());
  const items = [...(compliance.data?.items ?? [])].sort(
    (a, b) => a.installedPct - b.installedPct || a.updateId.localeCompare(b.updateId),
  );
  return (
    <section aria-labelledby="by-update-heading">
      <Title order={2} size="h3" mt="xl" mb="sm" id="by-update-heading">
        By update
      </Title>
      {compliance.isPending ? (
        <Stack gap="xs" aria-label="Loading the updates" aria-busy>
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      ) : compliance.isError ? (
        <ErrorAlert error={compliance.error} title="Could not load the compliance of the updates" />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No update has compliance data yet: it arrives from the forwarders&apos; compliance batches.
        </Text>
      ) : (
        <Paper withBorder>
          <ScrollTable minWidth={480} label="Updates, table">
            <Table highlightOnHover verticalSpacing="sm" aria-labelledby="by-update-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Update</Table.Th>
                  <Table.Th scope="col" ta="right">
                    Computers
                  </Table.Th>
                  <Table.Th scope="col">Installed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((u) => (
                  <Table.Tr key={u.updateId}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/deployments/updates/${encodeURIComponent(u.updateId)}`}
                        fw={600}
                        ff="monospace"
                        aria-label={`Compliance of ${u.updateId}`}
                      >
                        {u.updateId}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{formatCount(u.total)}</Table.Td>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Progress
                          value={u.installedPct}
                          color={u.installedPct >= 95 ? "green.8" : "blue.7"}
                          w={120}
                          aria-hidden
                        />
                        <Text size="sm">{`${u.installedPct.toFixed(1)} %`}</Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </Paper>
      )}
    </section>
  );
}
