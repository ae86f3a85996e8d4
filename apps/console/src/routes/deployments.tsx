import { Anchor, Badge, Group, Paper, Skeleton, Stack, Table, Text } from "@mantine/core";
import { ScrollTable } from "../components/ui/scroll-table";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { AdvertStateBadge, MandatoryBadge } from "../features/advertisements/components/advert-badges";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/deployments");

export const deploymentsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(advertisementQueries.list());
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
        description="Choose an advertisement to watch its rollout live: compliance, the coverage curve, sites and link classes, failures and the computers that never reported."
      />
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
    </>
  );
}
