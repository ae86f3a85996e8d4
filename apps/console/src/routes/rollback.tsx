import { Alert, Button, Card, Grid, Group, List, Loader, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconFileDescription, IconUrgent } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { navItemFor } from "../features/navigation/navigation";
import { PriorityBadge, SlaClock } from "../features/process/components/process-badges";
import { TimelineList } from "../features/process/components/timeline-list";
import { useNow } from "../features/process/use-now";
import { AcceptancePanel, BuildPanel } from "../features/rollbacks/components/build-accept-panels";
import { DecisionPanel } from "../features/rollbacks/components/decision-panel";
import { FeasibilityPanel } from "../features/rollbacks/components/feasibility-panel";
import { CleanupPanel, HaltPanel } from "../features/rollbacks/components/halt-cleanup-panels";
import { personName } from "../features/rollbacks/components/people";
import { RollbackStateBadge } from "../features/rollbacks/components/rollback-badges";
import { RollbackStepper } from "../features/rollbacks/components/rollback-stepper";
import { TargetingPanel } from "../features/rollbacks/components/targeting-panel";
import { ReviewPanel, VerifyPanel } from "../features/rollbacks/components/verify-review-panels";
import { rollbackQueries } from "../features/rollbacks/rollbacks.queries";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/rollbacks");

export const rollbackLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    await queryClient.ensureQueryData(rollbackQueries.detail(params.rollbackId ?? ""));
    return null;
  };

/** One rollback, step by step (domain.md §3.4): each step's panel says what it did or will do. */
export function RollbackRoute() {
  const { rollbackId = "" } = useParams();
  const { data: r, isFetching } = useSuspenseQuery(rollbackQueries.detail(rollbackId));
  const now = useNow(15_000);
  const stopped = !r.record.assessment.feasible || r.record.notFeasible !== null;

  return (
    <>
      <PageHeader
        title={`Rollback of ${r.kbNumber}${r.bulletinId ? ` · ${r.bulletinId}` : ""}: ${r.title}`}
        description={
          <Group gap="xs" component="span" wrap="wrap">
            <RollbackStateBadge status={r.status} />
            <PriorityBadge priority={r.priority} confirmed={r.priorityConfirmed} />
            {isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
          </Group>
        }
        actions={
          <Button
            component={Link}
            to="/rollbacks"
            variant="default"
            leftSection={<IconArrowLeft size={16} aria-hidden />}
          >
            All rollbacks
          </Button>
        }
      />
      <Stack gap="lg">
        {r.case || r.emergencyId ? (
          <Group gap="md">
            {r.emergencyId ? (
              <Button
                component={Link}
                to={`/emergencies/${r.emergencyId}`}
                color="red"
                variant="light"
                leftSection={<IconUrgent size={16} aria-hidden />}
              >
                Open the emergency war room
              </Button>
            ) : null}
            {r.case ? (
              <Button
                component={Link}
                to={`/triage/cases/${r.case.id}`}
                variant="light"
                leftSection={<IconFileDescription size={16} aria-hidden />}
              >
                {`The update's case`}
              </Button>
            ) : null}
          </Group>
        ) : null}
        <RollbackStepper record={r.record} />
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Stack gap="lg">
              <FeasibilityPanel detail={r} />
              <HaltPanel detail={r} />
              {stopped ? null : (
                <>
                  <DecisionPanel detail={r} />
                  <CleanupPanel detail={r} />
                  <BuildPanel detail={r} />
                  <AcceptancePanel detail={r} />
                  <TargetingPanel detail={r} />
                  <VerifyPanel detail={r} />
                </>
              )}
              <ReviewPanel detail={r} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack gap="lg">
              <Card withBorder component="section" aria-labelledby="rollback-request-heading">
                <Title order={2} size="h4" id="rollback-request-heading" mb="sm">
                  Request
                </Title>
                <Text size="sm">{r.record.request.reason}</Text>
                <Text size="xs" c="dimmed" mt={4}>
                  {`Requested by ${personName(r, r.record.request.requestedBy)} on ${formatDateTime(r.record.request.requestedAt)}.`}
                </Text>
              </Card>
              <Card withBorder component="section" aria-labelledby="rollback-sla-heading">
                <Title order={2} size="h4" id="rollback-sla-heading" mb="sm">
                  SLA clock
                </Title>
                <SlaClock clock={r.sla} now={now} layout="full" />
              </Card>
              {r.warnings && r.warnings.length > 0 ? (
                <Alert color="yellow" variant="light" title="Worth knowing">
                  <List size="sm">
                    {r.warnings.map((w) => (
                      <List.Item key={w}>{w}</List.Item>
                    ))}
                  </List>
                </Alert>
              ) : null}
              <Card withBorder component="section" aria-labelledby="rollback-timeline-heading">
                <Title order={2} size="h4" id="rollback-timeline-heading" mb="sm">
                  Timeline
                </Title>
                <TimelineList entries={r.timeline} label="Rollback timeline, newest first" />
              </Card>
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>
    </>
  );
}
