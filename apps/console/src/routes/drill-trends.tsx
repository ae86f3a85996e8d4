import { formatDuration } from "@firebreak/domain";
import { LineChart } from "@mantine/charts";
import { Card, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { drillQueries } from "../features/drills/drills.queries";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/drills");

export const drillTrendsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(drillQueries.trends());
    return null;
  };

const show = (v: number | null, unit: string) =>
  v === null ? "Not reached" : unit === "ms" ? formatDuration(v) : unit === "pct" ? `${v.toFixed(1)} %` : String(v);

/** Each metric per drill over time, by scenario: a line (gaps where not reached) and its table. */
export function DrillTrendsRoute() {
  const trends = useQuery(drillQueries.trends());
  return (
    <>
      <PageHeader
        title="Drill trends"
        description="Each metric per ended drill, over time, compared only with runs of the same scenario."
      />
      {trends.isPending ? (
        <Skeleton height={300} aria-label="Loading the trends" />
      ) : trends.isError ? (
        <ErrorAlert error={trends.error} title="Could not load the trends" />
      ) : trends.data.series.length === 0 ? (
        <Text>No drill has ended yet. Trends appear once drills have ended; run one from the drills page.</Text>
      ) : (
        <Stack gap="lg">
          {trends.data.series.map((s) => {
            const hours = s.unit === "ms";
            const data = s.points.map((p) => ({
              drill: `${p.title ?? "Drill"} (${formatDateTime(p.startedAt)})`,
              [s.label]: p.value === null ? null : hours ? p.value / 3_600_000 : p.value,
            }));
            const id = `trend-${s.scenarioId}-${s.key}`;
            return (
              <Card withBorder component="section" aria-labelledby={id} key={id}>
                <Title order={2} size="h5" id={id} mb="xs">
                  {s.label} — {s.scenarioName}
                </Title>
                {s.points.length > 1 ? (
                  <figure style={{ margin: 0 }} aria-label={`${s.label} per drill${hours ? ", in hours" : ""}`}>
                    <LineChart
                      h={180}
                      data={data}
                      dataKey="drill"
                      series={[{ name: s.label, color: "blue.7" }]}
                      connectNulls={false}
                      unit={hours ? " h" : s.unit === "pct" ? " %" : ""}
                    />
                  </figure>
                ) : null}
                <Table aria-label={`${s.label}, ${s.scenarioName}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Drill</Table.Th>
                      <Table.Th scope="col">Value</Table.Th>
                      <Table.Th scope="col">Target met</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.points.map((p) => (
                      <Table.Tr key={p.drillId}>
                        <Table.Td>
                          {p.title} ({formatDateTime(p.startedAt)})
                        </Table.Td>
                        <Table.Td>{show(p.value, s.unit)}</Table.Td>
                        <Table.Td>{p.met === null ? "—" : p.met ? "Met" : "Not met"}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
            );
          })}
        </Stack>
      )}
    </>
  );
}
