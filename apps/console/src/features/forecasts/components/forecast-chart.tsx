import { forecastVariantLabels, type ForecastResult, type ForecastVariant } from "@firebreak/domain";
import { Card, Group, SegmentedControl, Table, Text, Title } from "@mantine/core";
import { useId, useState } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatDateTime } from "../../../lib/format";
import { DataTableToggle, Sized } from "../../monitoring/components/monitor-view";
import { chartRows, formatHours, formatPct, hourTicks, settledHours, variantStyle } from "../forecast-view";

const HEIGHT = 340;

/** An SVG hatch per variant: the bands stay apart without colour. */
function Hatch({ id, variant }: { id: string; variant: ForecastVariant }) {
  const { color, pattern } = variantStyle[variant];
  return (
    <pattern id={id} width="8" height="8" patternUnits="userSpaceOnUse">
      <rect width="8" height="8" fill={color} fillOpacity={0.1} />
      {pattern === "diagonal" ? <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke={color} strokeWidth={1.2} /> : null}
      {pattern === "horizontal" ? <path d="M0,4 h8" stroke={color} strokeWidth={1.2} /> : null}
      {pattern === "dots" ? <circle cx="4" cy="4" r="1.4" fill={color} /> : null}
      {pattern === "cross" ? <path d="M0,0 l8,8 M8,0 l-8,8" stroke={color} strokeWidth={0.9} /> : null}
    </pattern>
  );
}

/** A legend key: the line as drawn (colour and dash) over the band's hatch. */
export function VariantSwatch({ variant }: { variant: ForecastVariant }) {
  const id = `swatch-${useId().replace(/:/g, "")}`;
  const { color, dash } = variantStyle[variant];
  return (
    <svg width="36" height="16" aria-hidden focusable="false" style={{ flex: "none" }}>
      <defs>
        <Hatch id={id} variant={variant} />
      </defs>
      <rect x="0" y="2" width="36" height="12" fill={`url(#${id})`} />
      <line x1="0" y1="8" x2="36" y2="8" stroke={color} strokeWidth={2.5} strokeDasharray={dash || undefined} />
    </svg>
  );
}

function ChartTooltip({
  active,
  payload,
  label,
  result,
}: TooltipContentProps<number, string> & { result: ForecastResult }) {
  if (!active || !payload?.length) return null;
  const hours = Number(label);
  return (
    <Card withBorder shadow="sm" p="xs">
      <Text size="xs" fw={700}>{`After ${formatHours(hours)}`}</Text>
      {result.variants
        .filter((v) => v.sameAs === null)
        .map((v) => {
          const p = v.band.find((b) => b.hours === hours);
          return p ? (
            <Text size="xs" key={v.variant}>
              {`${forecastVariantLabels[v.variant]}: ${formatPct(p.p50)} (${formatPct(p.p10)}–${formatPct(p.p90)})`}
            </Text>
          ) : null;
        })}
    </Card>
  );
}

/**
 * Every variant's coverage band on one chart: the 10th–90th percentile as a hatched area and the
 * median as a line, each variant with its own colour, dash and hatch; the goal and the release
 * priority's target and maximum as reference lines. A variant identical to another is drawn once.
 */
export function ForecastChart({ result }: { result: ForecastResult }) {
  const base = useId().replace(/:/g, "");
  const drawn = result.variants.filter((v) => v.sameAs === null);
  const first = result.variants[0];
  const horizon = result.horizonHours;
  const target = first?.target;
  const max = first?.max;
  // The curves often settle long before the priority's maximum: the chart opens on where they move.
  const ticksTo = (h: number) => hourTicks(h).at(-1) ?? h;
  const ranges: { value: string; label: string; end: number }[] = [];
  const settled = Math.min(horizon, ticksTo(Math.max(1, settledHours(result) * 1.25)));
  if (settled < horizon * 0.6)
    ranges.push({ value: "settled", label: `Until settled (${formatHours(settled)})`, end: settled });
  if (target && target.withinHorizon && target.hours > settled * 1.2 && target.hours < horizon * 0.8)
    ranges.push({
      value: "target",
      label: `Until the target (${formatHours(target.hours)})`,
      end: ticksTo(target.hours * 1.1),
    });
  ranges.push({ value: "all", label: `Whole forecast (${formatHours(horizon)})`, end: horizon });
  const [rangeChoice, setRange] = useState(ranges[0]?.value ?? "all");
  const range = ranges.find((r) => r.value === rangeChoice) ?? ranges[ranges.length - 1]!;
  const end = Math.min(horizon, range.end);
  const allRows = chartRows(result);
  const rows = allRows.filter((r, i) => (r.hours as number) <= end || ((allRows[i - 1]?.hours as number) ?? 0) < end);
  const shows = (h: number | undefined) => h !== undefined && h > 0 && h <= end;
  const summary = `Expected compliance over ${formatHours(horizon)} from ${formatDateTime(result.startTime)}, ${result.runs} runs per variant: ${drawn
    .map((v) => `${forecastVariantLabels[v.variant]} ends at ${formatPct(v.final.p50)}`)
    .join("; ")}.`;
  return (
    <Card withBorder component="section" aria-labelledby="forecast-chart-heading">
      <Title order={2} size="h4" id="forecast-chart-heading" mb={4}>
        Coverage forecast
      </Title>
      <Text size="sm" mb="xs">
        {summary}
      </Text>
      <Group gap="lg" mb="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Legend">
        {result.variants.map((v) => (
          <Group key={v.variant} gap={6} component="li" wrap="nowrap">
            <VariantSwatch variant={v.sameAs ?? v.variant} />
            <Text size="sm">
              {forecastVariantLabels[v.variant]}
              {v.sameAs ? ` — same as “${forecastVariantLabels[v.sameAs]}”` : ` (${variantStyle[v.variant].marker})`}
            </Text>
          </Group>
        ))}
      </Group>
      {ranges.length > 1 ? (
        <Group gap="sm" mb="xs">
          <Text size="sm" id={`${base}-range-label`}>
            Time range
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby={`${base}-range-label`}
            value={range.value}
            onChange={setRange}
            data={ranges.map((r) => ({ value: r.value, label: r.label }))}
          />
        </Group>
      ) : null}
      <figure style={{ margin: 0 }} aria-label={`Coverage forecast chart. ${summary}`}>
        <Sized height={HEIGHT}>
          {(width) => (
            <ComposedChart
              width={width}
              height={HEIGHT}
              data={rows}
              margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
            >
              <defs>
                {drawn.map((v) => (
                  <Hatch key={v.variant} id={`${base}-${v.variant}`} variant={v.variant} />
                ))}
              </defs>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-gray-3)" />
              <XAxis
                dataKey="hours"
                type="number"
                domain={[0, end]}
                ticks={hourTicks(end)}
                allowDataOverflow
                tickFormatter={(h: number) => (h === 0 ? "start" : formatHours(h))}
                stroke="var(--mantine-color-gray-7)"
                fontSize={12}
              />
              <YAxis domain={[0, 100]} unit=" %" width={56} stroke="var(--mantine-color-gray-7)" fontSize={12} />
              <Tooltip
                content={(p) => <ChartTooltip {...(p as TooltipContentProps<number, string>)} result={result} />}
              />
              {drawn.map((v) => (
                <Area
                  key={`${v.variant}-band`}
                  dataKey={`${v.variant}_range`}
                  name={`${forecastVariantLabels[v.variant]}, 10th–90th percentile`}
                  stroke="none"
                  fill={`url(#${base}-${v.variant})`}
                  isAnimationActive={false}
                  activeDot={false}
                />
              ))}
              {drawn.map((v) => (
                <Line
                  key={`${v.variant}-p50`}
                  dataKey={`${v.variant}_p50`}
                  name={`${forecastVariantLabels[v.variant]}, median`}
                  stroke={variantStyle[v.variant].color}
                  strokeWidth={2.5}
                  strokeDasharray={variantStyle[v.variant].dash || undefined}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
              <ReferenceLine
                y={result.goalPct}
                stroke="var(--mantine-color-gray-7)"
                strokeDasharray="4 4"
                label={{
                  value: `Goal ${result.goalPct} %`,
                  position: "insideBottomLeft",
                  fontSize: 12,
                  fill: "#343a40",
                }}
              />
              {target && shows(target.hours) ? (
                <ReferenceLine
                  x={target.hours}
                  stroke="#343a40"
                  strokeWidth={1.5}
                  label={{ value: "Target", position: "insideTopRight", fontSize: 12, fill: "#343a40" }}
                />
              ) : null}
              {max && shows(max.hours) ? (
                <ReferenceLine
                  x={max.hours}
                  stroke="#c92a2a"
                  strokeWidth={1.5}
                  strokeDasharray="6 3"
                  label={{ value: "Maximum", position: "insideTopRight", fontSize: 12, fill: "#c92a2a" }}
                />
              ) : null}
            </ComposedChart>
          )}
        </Sized>
      </figure>
      {target && !shows(target.hours) ? (
        <Text size="xs" c="dimmed" mb={4}>
          {`The target (after ${formatHours(target.hours)})${max ? ` and the maximum (after ${formatHours(max.hours)})` : ""} lie beyond this range.`}
        </Text>
      ) : max && !shows(max.hours) ? (
        <Text
          size="xs"
          c="dimmed"
          mb={4}
        >{`The maximum (after ${formatHours(max.hours)}) lies beyond this range.`}</Text>
      ) : null}
      <DataTableToggle label="the curves as a table">
        <ScrollTable minWidth={480} maxHeight={320} label="Coverage forecast, table">
          <Table striped verticalSpacing={2} aria-label="Coverage forecast: median (10th–90th percentile) per variant">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">After</Table.Th>
                {drawn.map((v) => (
                  <Table.Th scope="col" key={v.variant}>
                    {forecastVariantLabels[v.variant]}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(first?.band ?? []).map((p, i) => (
                <Table.Tr key={p.at}>
                  <Table.Td>{formatHours(p.hours)}</Table.Td>
                  {drawn.map((v) => {
                    const b = v.band[i];
                    return (
                      <Table.Td key={v.variant}>
                        {b ? `${formatPct(b.p50)} (${formatPct(b.p10)}–${formatPct(b.p90)})` : ""}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </DataTableToggle>
    </Card>
  );
}
