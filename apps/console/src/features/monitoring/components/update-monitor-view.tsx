import { COMPLIANCE_STATES, connectionProfileLabels, type UpdateMonitor } from "@firebreak/domain";
import { Card, Grid, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { formatCount } from "../../../lib/format";
import { complianceStateLabels } from "../compliance-states";
import { CoverageCurve, pct, Stat, StackedBreakdown, type BreakdownColumn } from "./monitor-view";

/** The headline figures of an update, large. */
export function UpdateBigNumbers({ monitor }: { monitor: UpdateMonitor }) {
  const pendingReboot = monitor.byState.INSTALLED_PENDING_REBOOT ?? 0;
  const notApplicable = monitor.total - monitor.applicable;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="section" aria-label="Headline figures">
      <Stat
        label="Applicable"
        value={formatCount(monitor.applicable)}
        hint={`${formatCount(notApplicable)} of ${formatCount(monitor.total)} not applicable`}
      />
      <Stat
        label="Installed"
        value={formatCount(monitor.installed)}
        hint={`incl. ${formatCount(pendingReboot)} pending reboot`}
        tone="good"
      />
      <Stat label="Installed %" value={pct(monitor.installedPct)} hint="installed ÷ applicable" />
      <Stat
        label="Failed"
        value={formatCount(monitor.failed)}
        hint="installation reported a failure"
        tone={monitor.failed > 0 ? "bad" : undefined}
      />
      <Stat
        label="Still required"
        value={formatCount(monitor.required)}
        hint="applicable, not installed yet"
        tone={monitor.required > 0 ? "bad" : undefined}
      />
    </SimpleGrid>
  );
}

/** Installed % over time, with the 95 % line (G6) and the same figures as a table. */
export function UpdateCoverageChart({ monitor }: { monitor: UpdateMonitor }) {
  return (
    <CoverageCurve
      points={monitor.coverage}
      bucketMinutes={monitor.coverageBucketMinutes}
      words={{
        headingId: "update-coverage-heading",
        series: "Installed",
        countColumn: "Installed",
        pctColumn: "Installed %",
        rose: "Installed rose",
        empty: "No computer has reported the update installed yet: the curve starts with the first installation.",
      }}
    />
  );
}

interface UpdateBreakdownRow {
  key: string;
  label: string;
  total: number;
  applicable: number;
  installed: number;
  required: number;
  failed: number;
  installedPct: number;
}

const SERIES = [
  { name: "Installed", color: "green.8" },
  { name: "Required", color: "orange.6" },
  { name: "Failed", color: "red.8" },
  { name: "Other", color: "gray.5" },
];

const UPDATE_COLUMNS: BreakdownColumn<UpdateBreakdownRow>[] = [
  { header: "Applicable", cell: (r) => formatCount(r.applicable) },
  { header: "Installed", cell: (r) => formatCount(r.installed) },
  { header: "Required", cell: (r) => formatCount(r.required) },
  { header: "Failed", cell: (r) => formatCount(r.failed) },
  { header: "Installed %", cell: (r) => pct(r.installedPct) },
];

/** Stacked bars of the applicable computers (installed / required / failed / other) and the same figures as a table. */
function UpdateBreakdown({
  title,
  id,
  rows,
  column,
}: {
  title: string;
  id: string;
  rows: UpdateBreakdownRow[];
  column: string;
}) {
  return (
    <StackedBreakdown
      title={title}
      id={id}
      column={column}
      rows={rows}
      series={SERIES}
      bars={(r) => ({
        Installed: r.installed,
        Required: r.required,
        Failed: r.failed,
        Other: Math.max(0, r.applicable - r.installed - r.required - r.failed),
      })}
      columns={UPDATE_COLUMNS}
      empty="No computer has a compliance row yet."
      note="Applicable computers; “Other” is rolled back or unknown."
      scrollMinWidth={420}
    />
  );
}

/** Computers per compliance state, in the domain's order, with its words. */
export function ComplianceStatesTable({ monitor }: { monitor: UpdateMonitor }) {
  const rows = COMPLIANCE_STATES.map((s) => ({ state: s, count: monitor.byState[s] ?? 0 })).filter((r) => r.count > 0);
  return (
    <Card withBorder component="section" aria-labelledby="compliance-states-heading">
      <Title order={2} size="h4" id="compliance-states-heading" mb="sm">
        By compliance state
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No compliance state has arrived yet.
        </Text>
      ) : (
        <Table verticalSpacing={2} aria-labelledby="compliance-states-heading">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col" ta="right">
                Computers
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.state}>
                <Table.Th scope="row" fw={500}>
                  {complianceStateLabels[r.state]}
                </Table.Th>
                <Table.Td ta="right">{formatCount(r.count)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th scope="row">Total</Table.Th>
              <Table.Td ta="right" fw={700}>
                {formatCount(monitor.total)}
              </Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      )}
    </Card>
  );
}

/** Every section of an update's monitor, laid out like the advertisement monitor. */
export function UpdateMonitorView({ monitor }: { monitor: UpdateMonitor }) {
  return (
    <Stack gap="lg">
      <UpdateBigNumbers monitor={monitor} />
      <UpdateCoverageChart monitor={monitor} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <UpdateBreakdown
            title="By site"
            id="update-by-site-heading"
            column="Site"
            rows={monitor.bySite.map((r) => ({ ...r, key: r.siteCode, label: r.siteCode }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="lg">
            <UpdateBreakdown
              title="By link class"
              id="update-by-link-heading"
              column="Link class"
              rows={monitor.byLinkClass.map((r) => ({
                ...r,
                key: r.connectionProfile,
                label: connectionProfileLabels[r.connectionProfile],
              }))}
            />
            <ComplianceStatesTable monitor={monitor} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
