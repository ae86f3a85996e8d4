import { sendingPriorityLabels } from "@firebreak/domain";
import { Anchor, Badge, Table, Text } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { DpProgress } from "../features/packages/components/dp-progress";
import { PreferredSenderLabel } from "../features/packages/components/preferred-sender";
import { formatSizeKB } from "../features/packages/format";
import { packageQueries } from "../features/packages/packages.queries";
import { requirePermission } from "../features/session/session.guards";

export const packagesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await queryClient.ensureQueryData(packageQueries.list());
    return null;
  };

export function PackagesRoute() {
  const { data } = useSuspenseQuery(packageQueries.list());
  const packages = [...data.items].sort((a, b) => a.packageId.localeCompare(b.packageId));
  return (
    <>
      <PageHeader
        title="Packages"
        description="Software distribution packages: source version, size, how they travel to child sites, and how many distribution points hold the current version."
      />
      <AreaNav />
      {packages.length === 0 ? (
        <FleetEmpty title="No packages yet">
          Packages are created by the emergency release workflow or POST /api/fleets/production/packages. Run{" "}
          <code>pnpm sim</code> to create the demo release.
        </FleetEmpty>
      ) : (
        <Table.ScrollContainer minWidth={980}>
          <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
            <Table.Caption>{`${packages.length} package${packages.length === 1 ? "" : "s"}`}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Package</Table.Th>
                <Table.Th scope="col">Source version</Table.Th>
                <Table.Th scope="col">Size</Table.Th>
                <Table.Th scope="col">Sending priority</Table.Th>
                <Table.Th scope="col">Preferred sender</Table.Th>
                <Table.Th scope="col">Distribution points current</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {packages.map((p) => (
                <Table.Tr key={p.packageId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/sites/packages/${encodeURIComponent(p.packageId)}`} fw={600}>
                      {p.name}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      <Text span ff="monospace" size="xs">
                        {p.packageId}
                      </Text>
                      {p.kind === "ROLLBACK" ? " · rollback" : ""}
                      {p.updateIds.length > 0 ? ` · ${p.updateIds.join(", ")}` : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td>{p.sourceVersion}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{formatSizeKB(p.sizeKB)}</Table.Td>
                  <Table.Td>
                    {sendingPriorityLabels[p.sendingPriority]}
                    {p.ignoreAddressSchedule ? (
                      <Badge ml={6} size="xs" variant="light" color="orange">
                        Ignores address schedules
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <PreferredSenderLabel sender={p.preferredSender} />
                  </Table.Td>
                  <Table.Td>
                    <DpProgress
                      current={p.dpCurrentCount}
                      total={p.dpCount}
                      label={`${p.name}: distribution points with the current version`}
                    />
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
