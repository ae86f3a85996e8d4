import {
  CLIENT_STATES,
  clientStateLabels,
  connectionProfileLabels,
  exitCodeMeaning,
  type AdvertisementMonitor,
  type CoveragePoint,
  type ClientState,
} from "@firebreak/domain";
import { AreaChart, BarChart } from "@mantine/charts";
import { Anchor, Badge, Card, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { useElementSize } from "@mantine/hooks";
import { useId, useState, type ReactNode } from "react";
import { formatCount, formatDateTime } from "../../../lib/format";

export const pct = (n: number) => `${n.toFixed(1)} %`;

export function Stat({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: string;
  hint?: string;
  tone?: "good" | "bad";
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text fz={32} fw={750} lh={1.15} c={tone === "bad" ? "red.9" : tone === "good" ? "green.9" : undefined}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}

/** The headline figures, large. */
export function BigNumbers({ monitor }: { monitor: AdvertisementMonitor }) {
  const inProgress = Math.max(0, monitor.targeted - monitor.succeeded - monitor.failed - monitor.noStatus);
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" component="section" aria-label="Headline figures">
      <Stat label="Targeted" value={formatCount(monitor.targeted)} hint="computers in the collection" />
      <Stat
        label="Succeeded"
        value={formatCount(monitor.succeeded)}
        hint={`${formatCount(inProgress)} still in progress`}
        tone="good"
      />
      <Stat label="Compliance" value={pct(monitor.compliancePct)} hint="succeeded ÷ targeted" />
      <Stat
        label="Failed"
        value={formatCount(monitor.failed)}
        hint="see the exit codes below"
        tone={monitor.failed > 0 ? "bad" : undefined}
      />
      <Stat
        label="Never reported"
        value={formatCount(monitor.neverReported.count)}
        hint={`${formatCount(monitor.noStatus)} with no status yet`}
        tone={monitor.neverReported.count > 0 ? "bad" : undefined}
      />
    </SimpleGrid>
  );
}

/** Renders a chart only once its box has a width (never in a zero-size box, e.g. during tests). */
export function Sized({ height, children }: { height: number; children: (width: number) => ReactNode }) {
  const { ref, width } = useElementSize();
  return (
    <div ref={ref} style={{ minHeight: height }}>
      {width > 0 ? children(width) : null}
    </div>
  );
}

export function DataTableToggle({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div>
      <Anchor
        component="button"
        type="button"
        size="sm"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? `Hide ${label}` : `Show ${label}`}
      </Anchor>
      <div id={id} hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}

export const timeLabel = (iso: string, withDay: boolean) =>
  new Intl.DateTimeFormat(undefined, {
    ...(withDay ? { day: "numeric", month: "short" } : {}),
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));

/** Coverage over time, with the 95 % line at which a deployment counts as done (G6). */
/** What a coverage curve shows: the advertisement's successes or the update's installations. */
export interface CoverageCurveWords {
  headingId: string;
  /** Series name in the chart and the percentage column, e.g. "Compliance", "Installed". */
  series: string;
  countColumn: string;
  pctColumn: string;
  rose: string;
  empty: string;
}

/** A cumulative coverage curve with the 95 % line (G6), a one-sentence summary and a table toggle. */
export function CoverageCurve({
  points,
  bucketMinutes,
  words,
}: {
  points: CoveragePoint[];
  bucketMinutes: number | null;
  words: CoverageCurveWords;
}) {
  const first = points[0];
  const last = points.at(-1);
  const multiDay = !!first && !!last && Date.parse(last.at) - Date.parse(first.at) > 20 * 3600_000;
  const data = points.map((p) => ({ at: timeLabel(p.at, multiDay), [words.series]: p.pct }));
  const summary =
    first && last
      ? `${words.rose} from ${pct(first.pct)} at ${formatDateTime(first.at)} to ${pct(last.pct)} at ${formatDateTime(last.at)}${bucketMinutes ? `, in ${bucketMinutes}-minute steps` : ""}.`
      : words.empty;
  return (
    <Card withBorder component="section" aria-labelledby={words.headingId}>
      <Title order={2} size="h4" id={words.headingId} mb={4}>
        Coverage over time
      </Title>
      <Text size="sm" mb="sm">
        {summary}
      </Text>
      {points.length > 1 ? (
        <>
          <figure style={{ margin: 0 }} aria-label={`Coverage chart. ${summary}`}>
            <Sized height={260}>
              {() => (
                <AreaChart
                  h={260}
                  data={data}
                  dataKey="at"
                  series={[{ name: words.series, color: "green.8" }]}
                  curveType="monotone"
                  withDots={false}
                  unit=" %"
                  valueFormatter={(v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))}
                  yAxisProps={{ domain: [0, 100] }}
                  referenceLines={[{ y: 95, label: "95 % — deployed (G6)", color: "gray.7" }]}
                  tooltipAnimationDuration={0}
                />
              )}
            </Sized>
          </figure>
          <DataTableToggle label="the curve as a table">
            <ScrollTable minWidth={320} maxHeight={300} label="Coverage over time, table">
              <Table striped verticalSpacing={2} aria-label="Coverage over time">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">By</Table.Th>
                    <Table.Th scope="col">{words.countColumn}</Table.Th>
                    <Table.Th scope="col">{words.pctColumn}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {points.map((p) => (
                    <Table.Tr key={p.at}>
                      <Table.Td>{formatDateTime(p.at)}</Table.Td>
                      <Table.Td>{formatCount(p.succeeded)}</Table.Td>
                      <Table.Td>{pct(p.pct)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          </DataTableToggle>
        </>
      ) : null}
    </Card>
  );
}

export function CoverageChart({ monitor }: { monitor: AdvertisementMonitor }) {
  return (
    <CoverageCurve
      points={monitor.coverage}
      bucketMinutes={monitor.coverageBucketMinutes}
      words={{
        headingId: "coverage-heading",
        series: "Compliance",
        countColumn: "Succeeded",
        pctColumn: "Compliance",
        rose: "Coverage rose",
        empty: "No computer has reported success yet: the curve starts with the first success.",
      }}
    />
  );
}

interface BreakdownRow {
  key: string;
  label: string;
  targeted: number;
  succeeded: number;
  failed: number;
  noStatus: number;
  compliancePct: number;
}

const SERIES = [
  { name: "Succeeded", color: "green.8" },
  { name: "In progress", color: "blue.6" },
  { name: "Failed", color: "red.8" },
  { name: "No status", color: "gray.5" },
];

export interface BreakdownColumn<R> {
  header: string;
  cell: (row: R) => string;
}

/**
 * Rows of a breakdown (by site, by link class) as stacked bars and as the same figures in a table.
 * The advertisement and the update monitors differ only in their series and columns.
 */
export function StackedBreakdown<R extends { key: string; label: string }>({
  title,
  id,
  column,
  rows,
  series,
  bars,
  columns,
  empty,
  note,
  scrollMinWidth,
}: {
  title: string;
  id: string;
  column: string;
  rows: R[];
  series: { name: string; color: string }[];
  bars: (row: R) => Record<string, number>;
  columns: BreakdownColumn<R>[];
  empty: string;
  note?: string;
  /** Wrap the table in a horizontally scrollable region this wide at least. */
  scrollMinWidth?: number;
}) {
  const data = rows.map((r) => ({ label: r.label, ...bars(r) }));
  const height = Math.max(160, rows.length * 34 + 60);
  const table = (
    <Table verticalSpacing={4} horizontalSpacing={6} fz="sm" striped aria-labelledby={id}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{column}</Table.Th>
          {columns.map((c) => (
            <Table.Th key={c.header} scope="col" ta="right">
              {c.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key}>
            <Table.Th scope="row" fw={600}>
              {r.label}
            </Table.Th>
            {columns.map((c) => (
              <Table.Td key={c.header} ta="right">
                {c.cell(r)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return (
    <Card withBorder component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Stack gap="sm">
          {note ? (
            <Text size="xs" c="dimmed">
              {note}
            </Text>
          ) : null}
          <div aria-hidden>
            <Sized height={height}>
              {() => (
                <BarChart
                  h={height}
                  data={data}
                  dataKey="label"
                  orientation="vertical"
                  type="stacked"
                  series={series}
                  withLegend
                  yAxisProps={{ width: 90 }}
                  tooltipAnimationDuration={0}
                  barChartProps={{ accessibilityLayer: false }}
                />
              )}
            </Sized>
          </div>
          {scrollMinWidth ? (
            <ScrollTable minWidth={scrollMinWidth} label={`${title}, table`}>
              {table}
            </ScrollTable>
          ) : (
            table
          )}
        </Stack>
      )}
    </Card>
  );
}

const ADVERTISEMENT_COLUMNS: BreakdownColumn<BreakdownRow>[] = [
  { header: "Targeted", cell: (r) => formatCount(r.targeted) },
  { header: "Succeeded", cell: (r) => formatCount(r.succeeded) },
  { header: "Failed", cell: (r) => formatCount(r.failed) },
  { header: "No status", cell: (r) => formatCount(r.noStatus) },
  { header: "Compliance", cell: (r) => pct(r.compliancePct) },
];

/** Stacked bars (succeeded / in progress / failed / no status) with the same figures as a table. */
function Breakdown({ title, id, rows, column }: { title: string; id: string; rows: BreakdownRow[]; column: string }) {
  return (
    <StackedBreakdown
      title={title}
      id={id}
      column={column}
      rows={rows}
      series={SERIES}
      bars={(r) => ({
        Succeeded: r.succeeded,
        "In progress": Math.max(0, r.targeted - r.succeeded - r.failed - r.noStatus),
        Failed: r.failed,
        "No status": r.noStatus,
      })}
      columns={ADVERTISEMENT_COLUMNS}
      empty="No targeted computer yet."
    />
  );
}

export function SiteBreakdown({ monitor }: { monitor: AdvertisementMonitor }) {
  return (
    <Breakdown
      title="By site"
      id="by-site-heading"
      column="Site"
      rows={monitor.bySite.map((r) => ({ ...r, key: r.siteCode, label: r.siteCode }))}
    />
  );
}

export function LinkClassBreakdown({ monitor }: { monitor: AdvertisementMonitor }) {
  return (
    <Breakdown
      title="By link class"
      id="by-link-heading"
      column="Link class"
      rows={monitor.byLinkClass.map((r) => ({
        ...r,
        key: r.connectionProfile,
        label: connectionProfileLabels[r.connectionProfile],
      }))}
    />
  );
}

const hex = (code: number) => `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;

export function FailuresTable({ monitor }: { monitor: AdvertisementMonitor }) {
  const total = monitor.failures.reduce((n, f) => n + f.count, 0);
  return (
    <Card withBorder component="section" aria-labelledby="failures-heading">
      <Title order={2} size="h4" id="failures-heading" mb="sm">
        Failures by exit code
      </Title>
      {monitor.failures.length === 0 ? (
        <Text size="sm" c="dimmed">
          No computer has failed.
        </Text>
      ) : (
        <ScrollTable minWidth={420} label="Failures by exit code">
          <Table verticalSpacing={4} striped aria-labelledby="failures-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Exit code</Table.Th>
                <Table.Th scope="col">Meaning</Table.Th>
                <Table.Th scope="col" ta="right">
                  Computers
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {monitor.failures.map((f) => (
                <Table.Tr key={String(f.exitCode)}>
                  <Table.Td ff="monospace">
                    {f.exitCode === null
                      ? "—"
                      : f.exitCode < 0 || f.exitCode > 0xffff
                        ? `${f.exitCode} (${hex(f.exitCode)})`
                        : f.exitCode}
                  </Table.Td>
                  <Table.Td>
                    {f.meaning ??
                      exitCodeMeaning(f.exitCode) ??
                      "Not a known code: look it up in the program's documentation"}
                  </Table.Td>
                  <Table.Td ta="right">
                    {formatCount(f.count)}
                    <Text span size="xs" c="dimmed">{` (${total ? Math.round((f.count / total) * 100) : 0} %)`}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Card>
  );
}

export function NeverReportedTable({ monitor }: { monitor: AdvertisementMonitor }) {
  const { count, sample } = monitor.neverReported;
  return (
    <Card withBorder component="section" aria-labelledby="never-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="never-heading">
          Never reported
        </Title>
        <Badge variant="light" color={count > 0 ? "orange" : "gray"}>
          {formatCount(count)}
        </Badge>
      </Group>
      {count === 0 ? (
        <Text size="sm" c="dimmed">
          Every targeted computer has reported.
        </Text>
      ) : (
        <>
          <Text size="sm" mb="xs">
            {sample.length < count
              ? `The ${sample.length} unseen the longest, of ${formatCount(count)}. They may be off, roaming, or need an out-of-band visit.`
              : "They may be off, roaming, or need an out-of-band visit."}
          </Text>
          <ScrollTable minWidth={420} maxHeight={360} label="Computers that never reported">
            <Table verticalSpacing={2} striped aria-labelledby="never-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Computer</Table.Th>
                  <Table.Th scope="col">Site</Table.Th>
                  <Table.Th scope="col">Link</Table.Th>
                  <Table.Th scope="col">Last seen</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sample.map((c) => (
                  <Table.Tr key={c.resourceId}>
                    <Table.Td ff="monospace">{c.name}</Table.Td>
                    <Table.Td>{c.siteCode}</Table.Td>
                    <Table.Td>{connectionProfileLabels[c.connectionProfile]}</Table.Td>
                    <Table.Td>{c.lastSeenAt ? formatDateTime(c.lastSeenAt) : "Never"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </>
      )}
    </Card>
  );
}

export function StatesTable({ monitor }: { monitor: AdvertisementMonitor }) {
  const rows = CLIENT_STATES.map((s) => [s, monitor.byState[s] ?? 0] as [ClientState, number]).filter(([, n]) => n > 0);
  return (
    <Card withBorder component="section" aria-labelledby="states-heading">
      <Title order={2} size="h4" id="states-heading" mb="sm">
        By client state
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No status has arrived yet.
        </Text>
      ) : (
        <Table verticalSpacing={2} aria-labelledby="states-heading">
          <Table.Tbody>
            {rows.map(([s, n]) => (
              <Table.Tr key={s}>
                <Table.Th scope="row" fw={500}>
                  {clientStateLabels[s]}
                </Table.Th>
                <Table.Td ta="right">{formatCount(n)}</Table.Td>
              </Table.Tr>
            ))}
            {monitor.noStatus > 0 ? (
              <Table.Tr>
                <Table.Th scope="row" fw={500}>
                  No status yet
                </Table.Th>
                <Table.Td ta="right">{formatCount(monitor.noStatus)}</Table.Td>
              </Table.Tr>
            ) : null}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** Every section of the monitor, laid out. */
export function MonitorView({ monitor }: { monitor: AdvertisementMonitor }) {
  return (
    <Stack gap="lg">
      <BigNumbers monitor={monitor} />
      <CoverageChart monitor={monitor} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <SiteBreakdown monitor={monitor} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="lg">
            <LinkClassBreakdown monitor={monitor} />
            <StatesTable monitor={monitor} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <FailuresTable monitor={monitor} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <NeverReportedTable monitor={monitor} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
