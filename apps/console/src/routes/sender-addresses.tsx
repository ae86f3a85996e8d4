import { addressTypeLabels, rateModeLabels, type SenderAddressRecord } from "@firebreak/domain";
import { Anchor, Badge, Group, Stack, Table, Text } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { AreaNav } from "../features/fleet/components/area-nav";
import { FleetEmpty } from "../features/fleet/components/fleet-empty";
import { SchedulePreview } from "../features/senders/components/availability-grid";
import { scheduleSummary } from "../features/senders/hour-usage";
import { senderQueries } from "../features/senders/senders.queries";
import { requirePermission } from "../features/session/session.guards";
import { siteQueries } from "../features/sites/sites.queries";
import { formatCount } from "../lib/format";

export const senderAddressesLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    await Promise.all([
      queryClient.ensureQueryData(senderQueries.list()),
      queryClient.ensureQueryData(siteQueries.list()),
    ]);
    return null;
  };

export function formatBandwidth(kbps: number): string {
  if (kbps >= 1000) return `${formatCount(Math.round(kbps / 100) / 10)} Mbit/s`;
  return `${formatCount(kbps)} kbit/s`;
}

export function rateLimitSummary(address: Pick<SenderAddressRecord, "rateLimit">): string {
  const r = address.rateLimit;
  if (r.mode === "PULSE") return `Pulse mode: ${r.blockSizeKB} KB blocks, ${r.delaySeconds} s apart`;
  if (r.mode === "HOURLY_LIMIT") {
    const min = Math.min(...r.hourlyLimitPct);
    const max = Math.max(...r.hourlyLimitPct);
    return `Limited by hour: ${min === max ? `${min} %` : `${min}–${max} %`}`;
  }
  return "Unlimited";
}

export function SenderAddressesRoute() {
  const { data } = useSuspenseQuery(senderQueries.list());
  const { data: sites } = useSuspenseQuery(siteQueries.list());
  const siteName = new Map(sites.items.map((s) => [s.siteCode, s.name]));
  const addresses = [...data.items].sort(
    (a, b) =>
      a.siteCode.localeCompare(b.siteCode) ||
      a.destSiteCode.localeCompare(b.destSiteCode) ||
      a.priorityOrder - b.priorityOrder,
  );

  return (
    <>
      <PageHeader
        title="Sender addresses"
        description="How each site sends packages and data to another: sender type, link bandwidth, availability by hour and rate limits."
      />
      <AreaNav />
      {addresses.length === 0 ? (
        <FleetEmpty title="No sender addresses yet" />
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
            <Table.Caption>{`${addresses.length} address${addresses.length === 1 ? "" : "es"} between ${sites.items.length} sites`}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">From → to</Table.Th>
                <Table.Th scope="col">Type</Table.Th>
                <Table.Th scope="col">Priority</Table.Th>
                <Table.Th scope="col">Bandwidth</Table.Th>
                <Table.Th scope="col">Rate limits</Table.Th>
                <Table.Th scope="col">Weekly availability</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {addresses.map((a) => {
                const summary = scheduleSummary(a.usageSchedule);
                return (
                  <Table.Tr key={a.addressId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/sites/senders/${encodeURIComponent(a.addressId)}`} fw={600}>
                        {a.siteCode} → {a.destSiteCode}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {siteName.get(a.siteCode) ?? a.siteCode} to {siteName.get(a.destSiteCode) ?? a.destSiteCode}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        <Text size="sm">{addressTypeLabels[a.addressType]}</Text>
                        {a.relaxedForEmergency ? (
                          <Badge size="sm" color="orange" variant="light">
                            Relaxed for emergency
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{a.priorityOrder}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{formatBandwidth(a.bandwidthKbps)}</Table.Td>
                    <Table.Td>
                      <Text size="sm" title={rateModeLabels[a.rateLimit.mode]}>
                        {rateLimitSummary(a)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        <SchedulePreview schedule={a.usageSchedule} label={`Weekly availability: ${summary}`} />
                        <Text size="xs" c="dimmed">
                          {summary}
                        </Text>
                      </Stack>
                    </Table.Td>
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
