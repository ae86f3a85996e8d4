import { Anchor, Badge, Group, Table, Text } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { AdvertStateBadge, MandatoryBadge, SlowLinkBadge } from "../features/advertisements/components/advert-badges";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { collectionQueries } from "../features/computers/collections.queries";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

export const advertisementsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await Promise.all([
      queryClient.ensureQueryData(advertisementQueries.list()),
      queryClient.ensureQueryData(collectionQueries.list()),
    ]);
    return null;
  };

export function AdvertisementsRoute() {
  const { data } = useSuspenseQuery(advertisementQueries.list());
  const { data: collections } = useSuspenseQuery(collectionQueries.list());
  const collectionName = new Map(collections.items.map((c) => [c.collectionId, c.name]));
  const adverts = [...data.items].sort((a, b) => a.advertisementId.localeCompare(b.advertisementId));
  return (
    <>
      <PageHeader
        title="Advertisements"
        description="Programs offered or assigned to collections: whether they are mandatory, and whether computers on slow links are forced to run them."
      />
      <AreaNav />
      {adverts.length === 0 ? (
        <FleetEmpty title="No advertisements yet">
          Advertisements are created by the emergency release workflow or POST /api/fleets/production/advertisements.
          Run <code>pnpm sim</code> to create the demo release.
        </FleetEmpty>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
            <Table.Caption>{`${adverts.length} advertisement${adverts.length === 1 ? "" : "s"}`}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Advertisement</Table.Th>
                <Table.Th scope="col">Package / program</Table.Th>
                <Table.Th scope="col">Collection</Table.Th>
                <Table.Th scope="col">Mandatory</Table.Th>
                <Table.Th scope="col">Slow links</Table.Th>
                <Table.Th scope="col">State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {adverts.map((a) => (
                <Table.Tr key={a.advertisementId}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/sites/advertisements/${encodeURIComponent(a.advertisementId)}`}
                      fw={600}
                    >
                      {a.advertisementName}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      <Text span ff="monospace" size="xs">
                        {a.advertisementId}
                      </Text>{" "}
                      · starts {formatDateTime(a.presentTime)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {a.packageId} / {a.programName}
                    </Text>
                    {a.programDisabled ? (
                      <Badge size="xs" color="red" variant="filled">
                        Program disabled
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{collectionName.get(a.collectionId) ?? a.collectionId}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {a.collectionId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <MandatoryBadge mandatory={a.mandatory} />
                  </Table.Td>
                  <Table.Td>
                    <SlowLinkBadge advert={a} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <AdvertStateBadge state={a.state} />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
