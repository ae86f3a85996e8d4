import { forecastVariantLabels, type ForecastVsActual } from "@firebreak/domain";
import { Anchor, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { Link } from "react-router";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatDateTime } from "../../../lib/format";
import { Sized, Stat } from "../../monitoring/components/monitor-view";
import { bandAtTime, formatHours, formatPct } from "../forecast-view";
import { forecastQueries } from "../forecasts.queries";

const HEIGHT = 240;

/** Rows over the forecast's hours: the band, and the actual compliance at its own points. */
function rows(v: ForecastVsActual) {
  const f = v.forecast;
  if (!f) return [];
  const start = Date.parse(f.startTime);
  const out: Record<string, number | [number, number] | null>[] = f.band.map((p) => ({
    hours: p.hours,
    band: [p.p10, p.p90],
    median: p.p50,
    actual: null,
  }));
  // The actual curve holds its last value until now, so a stall shows (as the API's error counts it).
  const coverage = v.actual?.coverage ?? [];
  const last = coverage.at(-1);
  const held =
    v.actual && last && Date.parse(v.actual.asOf) > Date.parse(last.at) ? [{ ...last, at: v.actual.asOf }] : [];
  for (const p of [...coverage, ...held]) {
    const hours = (Date.parse(p.at) - start) / 3_600_000;
    if (hours < 0 || hours > (f.band.at(-1)?.hours ?? 0)) continue;
    const b = bandAtTime(f.band, Date.parse(p.at));
    out.push({ hours, band: b ? [b.p10, b.p90] : null, median: b?.p50 ?? null, actual: p.pct });
  }
  return out.sort((a, b) => (a.hours as number) - (b.hours as number));
}

/** The case page's "forecast beside what happened": the newest forecast band, the actual curve, the error. */
export function ForecastVsActualCard({ caseId, advertisementId }: { caseId: string; advertisementId: string | null }) {
  const q = useQuery(forecastQueries.vsActual(caseId));
  const v = q.data;
  return (
    <Card withBorder component="section" aria-labelledby="forecast-vs-actual-heading">
      <Title order={2} size="h4" id="forecast-vs-actual-heading" mb={4}>
        Forecast and what happened
      </Title>
      {q.isError ? <ErrorAlert error={q.error} title="The comparison could not be read" /> : null}
      {q.isPending ? (
        <Text size="sm">Reading the forecast…</Text>
      ) : v ? (
        <>
          <Text size="sm" mb="sm">
            {v.note}
          </Text>
          {v.forecast ? (
            <>
              <SimpleGrid cols={2} spacing="xs" mb="sm">
                <Stat
                  label="Mean error"
                  value={v.error ? `${v.error.meanAbsPp.toFixed(1)} pp` : "–"}
                  hint={v.error ? `largest ${v.error.maxAbsPp.toFixed(1)} pp` : "no common time range yet"}
                />
                <Stat
                  label="Inside the band"
                  value={v.error ? `${v.error.insideBandPct.toFixed(0)} %` : "–"}
                  hint="of the actual points"
                />
              </SimpleGrid>
              <Text size="xs" c="dimmed" mb={4}>
                {`Forecast of ${formatDateTime(v.forecast.createdAt)}, “${forecastVariantLabels[v.forecast.variant]}”, from ${formatDateTime(v.forecast.forecastStartTime)}.`}
                {v.forecast.offsetMinutes !== 0
                  ? ` Its band is moved to the deployment's real start, ${formatDateTime(v.forecast.startTime)} (${formatHours(Math.abs(v.forecast.offsetMinutes) / 60)} ${v.forecast.offsetMinutes > 0 ? "later" : "earlier"}).`
                  : ""}
              </Text>
              <figure style={{ margin: 0 }} aria-label={`Forecast band and actual coverage. ${v.note}`}>
                <Sized height={HEIGHT}>
                  {(width) => (
                    <ComposedChart
                      width={width}
                      height={HEIGHT}
                      data={rows(v)}
                      margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
                    >
                      <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-gray-3)" />
                      <XAxis
                        dataKey="hours"
                        type="number"
                        domain={[0, "dataMax"]}
                        tickFormatter={(h: number) => formatHours(h)}
                        fontSize={11}
                      />
                      <YAxis domain={[0, 100]} unit=" %" width={48} fontSize={11} />
                      <Tooltip
                        formatter={(value, name) =>
                          Array.isArray(value)
                            ? `${formatPct(Number(value[0]))}–${formatPct(Number(value[1]))}`
                            : [formatPct(Number(value)), name]
                        }
                        labelFormatter={(h) => `After ${formatHours(Number(h))}`}
                      />
                      <Area
                        dataKey="band"
                        name="Forecast, 10th–90th percentile"
                        stroke="none"
                        fill="#0072B2"
                        fillOpacity={0.18}
                        isAnimationActive={false}
                        connectNulls
                      />
                      <Line
                        dataKey="median"
                        name="Forecast, median"
                        stroke="#0072B2"
                        strokeDasharray="6 3"
                        strokeWidth={2}
                        dot={false}
                        isAnimationActive={false}
                        connectNulls
                      />
                      <Line
                        dataKey="actual"
                        name="Actual"
                        stroke="#D55E00"
                        strokeWidth={2.5}
                        dot={{ r: 2 }}
                        isAnimationActive={false}
                        connectNulls
                      />
                      <ReferenceLine
                        y={v.forecast?.goalPct ?? 95}
                        stroke="var(--mantine-color-gray-7)"
                        strokeDasharray="4 4"
                      />
                    </ComposedChart>
                  )}
                </Sized>
              </figure>
              <Group gap="md" mt={4}>
                <Text size="xs">Blue dashed line and band: forecast (median, 10th–90th percentile)</Text>
                <Text size="xs">Orange solid line with dots: actual</Text>
              </Group>
            </>
          ) : null}
          {advertisementId ? (
            <Anchor
              component={Link}
              size="sm"
              to={`/deployments/${encodeURIComponent(advertisementId)}/forecast?case=${encodeURIComponent(caseId)}`}
            >
              {v.forecast ? "Open the forecast" : "Forecast the deployment…"}
            </Anchor>
          ) : null}
        </>
      ) : null}
    </Card>
  );
}
