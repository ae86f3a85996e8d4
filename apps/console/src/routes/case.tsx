import {
  installerEngineLabels,
  restartRequirementLabels,
  rollbackabilityLabels,
  updateClassificationLabels,
} from "@firebreak/domain";
import { Anchor, Button, Card, Grid, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconChartDots3, IconChartLine, IconUrgent } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { caseQueries } from "../features/cases/cases.queries";
import { AcceptanceTests } from "../features/cases/components/acceptance-tests";
import { ActionBar } from "../features/cases/components/action-bar";
import { caseName } from "../features/cases/components/case-card";
import { CaseRecords } from "../features/cases/components/case-records";
import { PhaseGates } from "../features/cases/components/phase-gates";
import { SuggestionCard } from "../features/cases/components/suggestion-card";
import { ForecastVsActualCard } from "../features/forecasts/components/forecast-vs-actual-card";
import { navItemFor } from "../features/navigation/navigation";
import {
  CaseStateBadge,
  PriorityBadge,
  SlaClock,
  VendorSeverityBadge,
} from "../features/process/components/process-badges";
import { TimelineList } from "../features/process/components/timeline-list";
import { useNow } from "../features/process/use-now";
import { CaseRollbackButton } from "../features/rollbacks/components/case-rollback-button";
import { requirePermission } from "../features/session/session.guards";
import { formatCount, formatDateTime } from "../lib/format";

const item = navItemFor("/triage");

export const caseLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    await queryClient.ensureQueryData(caseQueries.detail(params.caseId ?? ""));
    return null;
  };

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

export function CaseRoute() {
  const { caseId = "" } = useParams();
  const { data: c, isFetching } = useSuspenseQuery(caseQueries.detail(caseId));
  const now = useNow(15_000);
  const u = c.update.record;

  return (
    <>
      <PageHeader
        title={`${caseName(c)}: ${c.title}`}
        description={
          <Group gap="xs" component="span" wrap="wrap">
            <CaseStateBadge status={c.status} />
            <VendorSeverityBadge severity={c.vendorSeverity} />
            <PriorityBadge priority={c.priority} confirmed={c.priorityConfirmed} />
            {isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
          </Group>
        }
        actions={
          <Button component={Link} to="/triage" variant="default" leftSection={<IconArrowLeft size={16} aria-hidden />}>
            Triage board
          </Button>
        }
      />
      <Stack gap="lg">
        {c.emergencyId || c.record.advertisementId ? (
          <Group gap="md">
            {c.emergencyId ? (
              <Button
                component={Link}
                to={`/emergencies/${c.emergencyId}`}
                color="red"
                variant="light"
                leftSection={<IconUrgent size={16} aria-hidden />}
              >
                Open the emergency war room
              </Button>
            ) : null}
            {c.record.advertisementId ? (
              <Button
                component={Link}
                to={`/deployments/${encodeURIComponent(c.record.advertisementId)}`}
                variant="light"
                leftSection={<IconChartLine size={16} aria-hidden />}
              >
                {`Watch the deployment (${c.record.advertisementId})`}
              </Button>
            ) : null}
            {c.record.advertisementId ? (
              <Button
                component={Link}
                to={`/deployments/${encodeURIComponent(c.record.advertisementId)}/forecast?case=${encodeURIComponent(c.id)}`}
                variant="light"
                leftSection={<IconChartDots3 size={16} aria-hidden />}
              >
                Forecast the deployment…
              </Button>
            ) : null}
            <CaseRollbackButton caseDetail={c} />
          </Group>
        ) : null}
        <PhaseGates caseDetail={c} />
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Stack gap="lg">
              <ActionBar caseDetail={c} />
              <Card withBorder component="section" aria-labelledby="update-heading">
                <Title order={2} size="h4" id="update-heading" mb="sm">
                  The update
                </Title>
                <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
                  <Fact label="KB number">
                    {u.kbNumber}{" "}
                    <Anchor component={Link} to={`/deployments/updates/${encodeURIComponent(u.kbNumber)}`} size="sm">
                      {`Compliance of ${u.kbNumber}`}
                    </Anchor>
                  </Fact>
                  <Fact label="Bulletin">{u.bulletinId ?? "None (not a security bulletin)"}</Fact>
                  <Fact label="Classification">{updateClassificationLabels[u.classification]}</Fact>
                  <Fact label="Released">{formatDateTime(u.releasedAt)}</Fact>
                  <Fact label="Size">{`${formatCount(u.sizeKB)} KB`}</Fact>
                  <Fact label="Restart">{restartRequirementLabels[u.requiresRestart]}</Fact>
                  <Fact label="Installer">{installerEngineLabels[u.installerEngine]}</Fact>
                  <Fact label="Removal">{rollbackabilityLabels[u.rollbackability]}</Fact>
                  <Fact label="Products">{u.products.join(", ")}</Fact>
                </SimpleGrid>
                {c.record.packageId ? (
                  <Text size="sm" mt="sm">
                    Package:{" "}
                    <Anchor component={Link} to={`/sites/packages/${encodeURIComponent(c.record.packageId)}`}>
                      {c.record.packageId}
                    </Anchor>
                  </Text>
                ) : null}
              </Card>
              <SuggestionCard caseDetail={c} />
              <CaseRecords caseDetail={c} />
              <AcceptanceTests caseDetail={c} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack gap="lg">
              <Card withBorder component="section" aria-labelledby="sla-heading">
                <Title order={2} size="h4" id="sla-heading" mb="sm">
                  SLA clock
                </Title>
                <SlaClock clock={c.sla} now={now} layout="full" />
              </Card>
              {c.record.advertisementId ? (
                <ForecastVsActualCard caseId={c.id} advertisementId={c.record.advertisementId} />
              ) : null}
              <Card withBorder component="section" aria-labelledby="timeline-heading">
                <Title order={2} size="h4" id="timeline-heading" mb="sm">
                  Timeline
                </Title>
                <TimelineList entries={c.timeline} label="Case timeline, newest first" />
              </Card>
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>
    </>
  );
}
