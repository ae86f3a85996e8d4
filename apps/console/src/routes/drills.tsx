import { drillStateLabels, type DrillState } from "@firebreak/domain";
import { Anchor, Badge, Button, Card, Group, Skeleton, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { IconChartLine, IconPlus } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { ScrollTable } from "../components/ui/scroll-table";
import { PlanDrillForm } from "../features/drills/components/plan-drill-form";
import { drillQueries } from "../features/drills/drills.queries";
import { navItemFor } from "../features/navigation/navigation";
import { useProcessAccess } from "../features/process/process-access";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/drills");

export const drillsLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(drillQueries.list());
    return null;
  };

const stateColor: Record<DrillState, string> = {
  PLANNED: "gray",
  RUNNING: "orange",
  PAUSED: "yellow",
  ENDED: "blue",
  SIGNED_OFF: "green",
  CANCELLED: "gray",
};

export function DrillStateBadge({ state }: { state: DrillState }) {
  return (
    <Badge color={stateColor[state]} variant="light" c={state === "PAUSED" ? "dark" : undefined}>
      {drillStateLabels[state]}
    </Badge>
  );
}

export function DrillsRoute() {
  const drills = useQuery(drillQueries.list());
  const access = useProcessAccess();
  const mayPlan = access.can("runDrills");
  const [planning, setPlanning] = useState(false);
  const scenarios = useQuery({ ...drillQueries.scenarios(), enabled: planning });
  const staff = useQuery({ ...drillQueries.staff(), enabled: planning });

  return (
    <>
      <PageHeader
        title="Drills"
        description="Fire drills run a scenario against a sandbox fleet: the team works the real screens, every step is timed, and a manager signs the report off."
        actions={
          <>
            {mayPlan ? (
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setPlanning(true)}
                disabled={planning}
              >
                Plan a drill
              </Button>
            ) : null}
            <Button
              component={Link}
              to="/drills/trends"
              variant="default"
              leftSection={<IconChartLine size={16} aria-hidden />}
            >
              Trends
            </Button>
          </>
        }
      />
      {!mayPlan ? (
        <Text size="sm" mb="md">
          {access.reason("Planning a drill", "runDrills")} You can join the drills you take part in from their pages.
        </Text>
      ) : null}
      {planning ? (
        <Card withBorder mb="lg" component="section" aria-labelledby="plan-heading">
          <Title order={2} size="h4" id="plan-heading" mb="sm">
            Plan a drill
          </Title>
          {scenarios.isError || staff.isError ? (
            <ErrorAlert error={scenarios.error ?? staff.error} title="Could not load the scenarios or the staff list" />
          ) : scenarios.data && staff.data ? (
            <PlanDrillForm
              scenarios={scenarios.data.items}
              staff={staff.data.items}
              onCancel={() => setPlanning(false)}
            />
          ) : (
            <Skeleton height={200} aria-label="Loading the form" />
          )}
        </Card>
      ) : null}
      {drills.isPending ? (
        <Stack gap="xs" aria-label="Loading the drills" aria-busy>
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      ) : drills.isError ? (
        <ErrorAlert error={drills.error} title="Could not load the drills">
          Reload the page to try again.
        </ErrorAlert>
      ) : drills.data.items.length === 0 ? (
        <Text c="dimmed">
          {mayPlan
            ? "No drills yet. Plan one with “Plan a drill”: choose a scenario, an umpire and the participants."
            : "No drills yet. An ERT lead or a manager plans them."}
        </Text>
      ) : (
        <ScrollTable minWidth={720} label="Drills">
          <Table striped aria-label="Drills">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Drill</Table.Th>
                <Table.Th scope="col">Scenario</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Scheduled</Table.Th>
                <Table.Th scope="col">Umpire</Table.Th>
                <Table.Th scope="col">Report</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {drills.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/drills/${d.id}`}>
                      {d.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{d.scenarioName}</Table.Td>
                  <Table.Td>
                    <DrillStateBadge state={d.state} />
                  </Table.Td>
                  <Table.Td>{formatDateTime(d.scheduledStart)}</Table.Td>
                  <Table.Td>{d.umpireName}</Table.Td>
                  <Table.Td>
                    {d.startedAt ? (
                      <Anchor component={Link} to={`/drills/${d.id}/report`}>
                        Report<VisuallyHidden> of {d.title}</VisuallyHidden>
                      </Anchor>
                    ) : (
                      <Group gap={4}>
                        <Text size="sm" c="dimmed">
                          After the start
                        </Text>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </>
  );
}
