import { roleDescriptions, roleLabels } from "@firebreak/domain";
import { Anchor, Badge, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheck, IconAlertTriangle } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { Link, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { healthQueries } from "../features/health/health.queries";
import { navItemsFor } from "../features/navigation/navigation";
import { requireSession } from "../features/session/session.guards";
import { useSignedInSession } from "../features/session/use-session";

export const overviewLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requireSession(queryClient, request);
    // Health is not awaited: the overview must open even when the status check is slow or failing.
    void queryClient.prefetchQuery(healthQueries.current());
    return null;
  };

function SystemStatus() {
  const health = useQuery(healthQueries.current());
  return (
    <Card withBorder component="section" aria-labelledby="system-status-heading">
      <Title order={2} size="h4" id="system-status-heading" mb="sm">
        System status
      </Title>
      {health.isPending ? (
        <Group gap="xs" role="status">
          <Loader size="xs" aria-hidden />
          <Text size="sm">Checking the API and database…</Text>
        </Group>
      ) : health.isError ? (
        <ErrorAlert error={health.error} title="Could not check the system status" />
      ) : (
        <Stack gap={6}>
          <Group gap="xs">
            {health.data.status === "ok" ? (
              <IconCircleCheck size={20} color="var(--mantine-color-green-8)" aria-hidden />
            ) : (
              <IconAlertTriangle size={20} color="var(--mantine-color-orange-8)" aria-hidden />
            )}
            <Text fw={600}>{health.data.status === "ok" ? "All systems working" : "Degraded"}</Text>
          </Group>
          <Text size="sm">
            Database: {health.data.database.kind === "pglite" ? "embedded (PGlite)" : "PostgreSQL"},{" "}
            {health.data.database.reachable ? "reachable" : "not reachable"}
          </Text>
          <Text size="sm">Latest migration: {health.data.database.latestMigration ?? "none applied"}</Text>
          <Text size="sm">API version: {health.data.version}</Text>
        </Stack>
      )}
    </Card>
  );
}

export function OverviewRoute() {
  const session = useSignedInSession();
  const role = session.user.role;
  const areas = navItemsFor(role);

  return (
    <>
      <PageHeader title="Overview" description={`Welcome, ${session.user.displayName}.`} />
      <Stack gap="xl">
        <Card withBorder component="section" aria-labelledby="your-role-heading">
          <Title order={2} size="h4" id="your-role-heading" mb={4}>
            Your role: {roleLabels[role]}
          </Title>
          <Text size="sm">{roleDescriptions[role]}</Text>
        </Card>

        <section aria-labelledby="areas-heading">
          <Title order={2} size="h4" id="areas-heading" mb="sm">
            Your areas
          </Title>
          {areas.length === 0 ? (
            <Text>Your role has no areas in the console yet.</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {areas.map((area) => (
                <Card key={area.to} withBorder padding="md">
                  <Group justify="space-between" mb={4}>
                    <Anchor component={Link} to={area.to} fw={600}>
                      {area.label}
                    </Anchor>
                    {area.built ? null : (
                      <Badge variant="light" color="gray">
                        Being built
                      </Badge>
                    )}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {area.description}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          )}
        </section>

        <SystemStatus />
      </Stack>
    </>
  );
}
