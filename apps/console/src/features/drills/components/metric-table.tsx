import { formatDuration, metricClockLabels, metricStatusLabels, type DrillMetric } from "@firebreak/domain";
import { Badge, Table, Text } from "@mantine/core";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatDateTime } from "../../../lib/format";

/**
 * A metric's value in its unit; a metric that was not reached has no value — never 0. A team step
 * under a minute shows its seconds: "under a minute" for every step says nothing in a report.
 */
export function metricValue(m: Pick<DrillMetric, "status" | "value" | "unit">): string {
  if (m.status === "NOT_APPLICABLE") return "Not applicable";
  if (m.status === "NOT_REACHED" || m.value === null) return "Not reached";
  if (m.unit === "ms") return drillDuration(m.value);
  if (m.unit === "pct") return `${(Math.round(m.value * 10) / 10).toString()} %`;
  return String(m.value);
}

/** A duration of the drill report: seconds under a minute, else as the SLA clocks say it. */
export const drillDuration = (ms: number): string =>
  ms < 1000 ? "under a second" : ms < 60_000 ? `${Math.floor(ms / 1000)} s` : formatDuration(ms);

export function metricTarget(m: Pick<DrillMetric, "target" | "unit" | "key">): string {
  if (m.target === null) return "—";
  if (m.unit === "ms") return `≤ ${formatDuration(m.target)}`;
  if (m.unit === "pct") return `≥ ${m.target} %`;
  return `≤ ${m.target}`;
}

function Outcome({ m }: { m: DrillMetric }) {
  if (m.status === "NOT_APPLICABLE") return <Text size="sm">—</Text>;
  if (m.met === true)
    return (
      <Badge color="green" variant="light">
        Met
      </Badge>
    );
  if (m.met === false)
    return (
      <Badge color="red" variant="light">
        Not met
      </Badge>
    );
  if (m.status === "NOT_REACHED")
    return (
      <Badge color="gray" variant="light">
        {metricStatusLabels.NOT_REACHED}
      </Badge>
    );
  return <Text size="sm">No target</Text>;
}

/** The report's metric table: value against target, formula, clock, start and stop events with times. */
export function MetricTable({ metrics }: { metrics: readonly DrillMetric[] }) {
  const shown = metrics.filter((m) => m.status !== "NOT_APPLICABLE");
  return (
    <ScrollTable minWidth={900} label="Metrics against targets">
      <Table aria-label="Metrics against targets" striped className="print-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Metric</Table.Th>
            <Table.Th scope="col">Value</Table.Th>
            <Table.Th scope="col">Target</Table.Th>
            <Table.Th scope="col">Result</Table.Th>
            <Table.Th scope="col">Formula and clock</Table.Th>
            <Table.Th scope="col">Start</Table.Th>
            <Table.Th scope="col">Stop</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((m) => (
            <Table.Tr key={m.key}>
              <Table.Th scope="row" fw={600}>
                {m.label}
              </Table.Th>
              <Table.Td>{metricValue(m)}</Table.Td>
              <Table.Td>
                {metricTarget(m)}
                {m.targetSource ? (
                  <Text size="xs" c="dimmed">
                    {m.targetSource}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Outcome m={m} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {m.formula}
                </Text>
                {m.clock ? (
                  <Text size="xs" c="dimmed">
                    {metricClockLabels[m.clock]}
                  </Text>
                ) : null}
                {m.note ? <Text size="xs">{m.note}</Text> : null}
              </Table.Td>
              <Table.Td>{m.start ? `${m.start.label} — ${formatDateTime(m.start.at)}` : "—"}</Table.Td>
              <Table.Td>
                {m.stop
                  ? `${m.stop.label} — ${formatDateTime(m.stop.at)}`
                  : m.status === "NOT_REACHED"
                    ? "Not reached"
                    : "—"}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
