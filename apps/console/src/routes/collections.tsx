import type { CollectionPurpose } from "@firebreak/domain";
import { Anchor, Badge, Table, Text } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { collectionQueries } from "../features/computers/collections.queries";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { requirePermission } from "../features/session/session.guards";
import { formatCount, formatDateTime } from "../lib/format";

export const collectionsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await queryClient.ensureQueryData(collectionQueries.list());
    return null;
  };

export const purposeLabels: Record<CollectionPurpose, string> = {
  TARGET: "Target",
  EXCLUSION: "Exclusion",
  ROLLBACK_APPLIED: "Rollback: applied the update",
  TEST: "Test",
};

export function CollectionsRoute() {
  const { data } = useSuspenseQuery(collectionQueries.list());
  const collections = [...data.items].sort((a, b) => a.collectionId.localeCompare(b.collectionId));
  const name = new Map(collections.map((c) => [c.collectionId, c.name]));
  return (
    <>
      <PageHeader
        title="Collections"
        description="The targets of advertisements: membership by query or direct rules, as of the last evaluation."
      />
      <AreaNav />
      {collections.length === 0 ? (
        <FleetEmpty title="No collections yet" />
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
            <Table.Caption>{`${collections.length} collection${collections.length === 1 ? "" : "s"}`}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Collection</Table.Th>
                <Table.Th scope="col">Purpose</Table.Th>
                <Table.Th scope="col">Rules</Table.Th>
                <Table.Th scope="col" style={{ textAlign: "right" }}>
                  Members
                </Table.Th>
                <Table.Th scope="col">Evaluated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {collections.map((c) => {
                const queries = c.rules.filter((r) => r.type === "QUERY").length;
                const direct = c.rules.length - queries;
                return (
                  <Table.Tr key={c.collectionId}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {c.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        <Text span ff="monospace" size="xs">
                          {c.collectionId}
                        </Text>
                        {c.parentCollectionId
                          ? ` · below ${name.get(c.parentCollectionId) ?? c.parentCollectionId}`
                          : ""}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={c.purpose === "EXCLUSION" ? "orange" : c.purpose === "TARGET" ? "indigo" : "gray"}
                      >
                        {purposeLabels[c.purpose]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {[
                        queries ? `${queries} query rule${queries === 1 ? "" : "s"}` : null,
                        direct ? `${direct} direct rule${direct === 1 ? "" : "s"}` : null,
                      ]
                        .filter(Boolean)
                        .join(", ") || "No rules"}
                    </Table.Td>
                    <Table.Td style={{ textAlign: "right" }}>
                      <Anchor
                        component={Link}
                        to={`/sites/computers?collection=${encodeURIComponent(c.collectionId)}`}
                        aria-label={`${formatCount(c.memberCount)} members of ${c.name}: show the computers`}
                      >
                        {formatCount(c.memberCount)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{c.evaluatedAt ? formatDateTime(c.evaluatedAt) : "Not evaluated"}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
