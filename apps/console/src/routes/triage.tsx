import {
  PHASES,
  phaseLabels,
  RELEASE_PRIORITIES,
  releasePriorityLabels,
  type Phase,
  type ReleasePriority,
} from "@firebreak/domain";
import { Badge, Button, Group, Loader, Paper, Select, Skeleton, SimpleGrid, Stack, Switch, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconClock, IconFilterOff, IconFolderOpen, IconPlus, IconRefresh, IconShieldHalf } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { caseQueries } from "../features/cases/cases.queries";
import { OpenCaseModal } from "../features/cases/components/open-case-modal";
import { PriorityPolicyDrawer } from "../features/cases/components/priority-policy-drawer";
import { RecordUpdateModal } from "../features/cases/components/record-update-modal";
import { TriageBoard } from "../features/cases/components/triage-board";
import {
  BOARD_PAGE_SIZE,
  hasTriageFilters,
  parseTriageSearch,
  triageSearchFrom,
  type TriageFilters,
} from "../features/cases/triage.search-params";
import { navItemFor } from "../features/navigation/navigation";
import { useProcessAccess } from "../features/process/process-access";
import { useNow } from "../features/process/use-now";
import { requirePermission } from "../features/session/session.guards";
import { formatCount, formatDateTime } from "../lib/format";

const item = navItemFor("/triage");

export const triageLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    // Not awaited: the board opens with skeleton columns and keeps the old cards while a filter loads.
    void queryClient.prefetchQuery(caseQueries.list(parseTriageSearch(new URL(request.url).searchParams)));
    return null;
  };

function BoardSkeleton() {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, xl: 4 }} aria-label="Loading the cases" aria-busy>
      {[0, 1, 2, 3].map((i) => (
        <Stack key={i} gap="sm">
          <Skeleton height={28} width="60%" />
          <Skeleton height={140} />
          <Skeleton height={140} />
        </Stack>
      ))}
    </SimpleGrid>
  );
}

/** Legend: the two badges people confuse, side by side. */
function SeverityLegend() {
  return (
    <Paper withBorder p="xs" radius="md" component="aside" aria-label="How to read the badges">
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <IconShieldHalf size={18} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
        <Text size="sm">
          <strong>Vendor: Critical</strong> (outlined) is Microsoft&apos;s severity rating.{" "}
          <strong>Emergency · confirmed</strong> (filled or tinted) is the release priority your team decides. A
          Critical rating does not make a release an Emergency: the initial priority is set in Identify and confirmed,
          by a named person, in Evaluate &amp; Plan.
        </Text>
      </Group>
    </Paper>
  );
}

export function TriageRoute() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parseTriageSearch(searchParams);
  const cases = useQuery({ ...caseQueries.list(filters), placeholderData: (previous) => previous });
  const now = useNow(15_000);
  const access = useProcessAccess();
  const [recordOpened, recordModal] = useDisclosure(false);
  const [openOpened, openModal] = useDisclosure(false);
  const [policyOpened, policyDrawer] = useDisclosure(false);
  const canTriage = access.can("triageUpdates");

  const go = (next: TriageFilters) => setSearchParams(triageSearchFrom(next), { preventScrollReset: true });
  const set = <K extends "priority" | "phase">(key: K, value: TriageFilters[K] | null) => {
    const next = { ...filters };
    if (value) next[key] = value;
    else delete next[key];
    go(next);
  };

  const total = cases.data?.total ?? 0;
  return (
    <>
      <PageHeader
        title="Triage"
        description="Every update case by phase, most urgent first. SLA clocks count down to the target and to the maximum of the priority in force."
        actions={
          <>
            {canTriage ? (
              <>
                <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={recordModal.open}>
                  Record an update
                </Button>
                <Button
                  variant="default"
                  leftSection={<IconFolderOpen size={16} aria-hidden />}
                  onClick={openModal.open}
                >
                  Open case
                </Button>
              </>
            ) : null}
            <Button variant="subtle" leftSection={<IconClock size={16} aria-hidden />} onClick={policyDrawer.open}>
              Priority time frames
            </Button>
          </>
        }
      />
      {canTriage ? null : (
        <Text size="sm" c="dimmed" mb="md">
          {access.reason("Recording updates and opening cases", "triageUpdates")}
        </Text>
      )}
      <Stack gap="md">
        <SeverityLegend />
        <Group gap="md" align="flex-end" wrap="wrap" role="search" aria-label="Filter the board">
          <Select
            label="Release priority"
            data={[
              { value: "", label: "Any priority" },
              ...RELEASE_PRIORITIES.map((p) => ({ value: p, label: releasePriorityLabels[p] })),
            ]}
            value={filters.priority ?? ""}
            onChange={(v) => set("priority", (v || null) as ReleasePriority | null)}
            allowDeselect={false}
            w={180}
          />
          <Select
            label="Phase"
            data={[{ value: "", label: "All phases" }, ...PHASES.map((p) => ({ value: p, label: phaseLabels[p] }))]}
            value={filters.phase ?? ""}
            onChange={(v) => set("phase", (v || null) as Phase | null)}
            allowDeselect={false}
            w={180}
          />
          <Switch
            label="Only open cases"
            description="Hides closed and not-relevant cases"
            checked={filters.open}
            onChange={(e) => go({ ...filters, open: e.currentTarget.checked })}
          />
          {hasTriageFilters(filters) ? (
            <Button
              variant="subtle"
              leftSection={<IconFilterOff size={16} aria-hidden />}
              onClick={() => go({ open: true })}
            >
              Clear filters
            </Button>
          ) : null}
          <Group gap="xs" ml="auto" align="center">
            {cases.isFetching ? <Loader size="xs" aria-hidden /> : null}
            <Text size="xs" c="dimmed" role="status">
              {cases.dataUpdatedAt
                ? `${formatCount(total)} case${total === 1 ? "" : "s"} · updated ${formatDateTime(new Date(cases.dataUpdatedAt).toISOString())} · refreshes every 30 s`
                : "Loading…"}
            </Text>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconRefresh size={14} aria-hidden />}
              onClick={() => void cases.refetch()}
            >
              Refresh
            </Button>
          </Group>
        </Group>
        <Text size="xs" c="dimmed" id="board-keys">
          Tab to a card, then use the arrow keys to move between cards and columns; Enter opens the case.
        </Text>
        {total > BOARD_PAGE_SIZE ? (
          <Badge color="yellow" variant="light" tt="none">
            {`Showing the first ${formatCount(BOARD_PAGE_SIZE)} of ${formatCount(total)} cases: narrow the board with the filters.`}
          </Badge>
        ) : null}
        {cases.isError && !cases.data ? (
          <ErrorAlert error={cases.error} title="Could not load the cases">
            <Button size="xs" mt="sm" variant="default" onClick={() => void cases.refetch()}>
              Try again
            </Button>
          </ErrorAlert>
        ) : !cases.data ? (
          <BoardSkeleton />
        ) : total === 0 && !hasTriageFilters(filters) ? (
          <Paper withBorder p="xl" ta="center">
            <Text fw={600}>No update cases yet</Text>
            <Text size="sm" c="dimmed" mt={4}>
              {canTriage
                ? "Record a software update when a bulletin arrives, then open a case for it: it starts in Identify."
                : "When the patch team records an update and opens a case, it appears here."}
            </Text>
          </Paper>
        ) : (
          <>
            {cases.isError ? <ErrorAlert error={cases.error} title="Could not refresh the cases" /> : null}
            <TriageBoard
              cases={cases.data.items}
              now={now}
              phase={filters.phase}
              openOnly={filters.open}
              onShowClosed={() => go({ ...filters, open: false })}
            />
          </>
        )}
      </Stack>
      <RecordUpdateModal opened={recordOpened} onClose={recordModal.close} />
      <OpenCaseModal opened={openOpened} onClose={openModal.close} />
      <PriorityPolicyDrawer opened={policyOpened} onClose={policyDrawer.close} />
    </>
  );
}
