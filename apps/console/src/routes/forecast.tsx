import { forecastVariantLabels, type ForecastRecord, type ForecastVariant } from "@firebreak/domain";
import { Alert, Anchor, Button, Card, Group, List, Loader, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconChartLine, IconFileDescription, IconInfoCircle, IconSettings } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { caseQueries } from "../features/cases/cases.queries";
import { ApplyVariantModal } from "../features/forecasts/components/apply-variant-modal";
import { ForecastChart } from "../features/forecasts/components/forecast-chart";
import { ForecastDraftForm } from "../features/forecasts/components/forecast-form";
import { ForecastStatus } from "../features/forecasts/components/forecast-status";
import { MissLists } from "../features/forecasts/components/miss-lists";
import { VariantTable } from "../features/forecasts/components/variant-table";
import { bestVariant } from "../features/forecasts/forecast-view";
import { useStartForecast } from "../features/forecasts/forecasts.mutations";
import { forecastQueries } from "../features/forecasts/forecasts.queries";
import { useProcessAccess } from "../features/process/process-access";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

/**
 * The what-if forecast of an advertisement (issue #7): the draft, then — for the forecast chosen in
 * `?forecast=`, else the newest of the advertisement — its progress, the variants' bands on one
 * chart, the variants side by side with "Apply this variant…", and who misses the deadline.
 * `?case=` ties the forecast to an update case (its priority and SLA clock).
 */
export const forecastLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, "readFleet");
    const id = params.advertisementId ?? "";
    const search = new URL(request.url).searchParams;
    const forecastId = search.get("forecast");
    const caseId = search.get("case");
    await Promise.all([
      queryClient.ensureQueryData(advertisementQueries.detail(id)),
      forecastId
        ? queryClient.ensureQueryData(forecastQueries.detail(forecastId))
        : queryClient.ensureQueryData(forecastQueries.list({ advertisementId: id })),
      caseId ? queryClient.ensureQueryData(caseQueries.detail(caseId)).catch(() => null) : null,
    ]);
    return null;
  };

export function ForecastRoute() {
  const { advertisementId = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const caseId = search.get("case");
  const chosen = search.get("forecast");
  const { data: ad } = useSuspenseQuery(advertisementQueries.detail(advertisementId));
  const list = useQuery({ ...forecastQueries.list({ advertisementId }), enabled: !chosen });
  const caseDetail = useQuery({ ...caseQueries.detail(caseId ?? ""), enabled: !!caseId });
  const forecastId = chosen ?? list.data?.items[0]?.id ?? null;
  const access = useProcessAccess();
  const start = useStartForecast();

  return (
    <>
      <PageHeader
        title={`Forecast: ${ad.advertisementName}`}
        description={
          <Group gap="xs" component="span">
            <Text span ff="monospace" size="sm">
              {ad.advertisementId}
            </Text>
            <Text span size="sm">{`${ad.packageId} / ${ad.programName} → ${ad.collectionId}`}</Text>
          </Group>
        }
        actions={
          <>
            {caseId ? (
              <Button
                component={Link}
                to={`/triage/cases/${encodeURIComponent(caseId)}`}
                variant="default"
                leftSection={<IconArrowLeft size={16} aria-hidden />}
              >
                Back to the case
              </Button>
            ) : null}
            <Button
              component={Link}
              to={`/deployments/${encodeURIComponent(advertisementId)}`}
              variant="default"
              leftSection={<IconChartLine size={16} aria-hidden />}
            >
              Deployment monitor
            </Button>
            <Button
              component={Link}
              to={`/sites/advertisements/${encodeURIComponent(advertisementId)}`}
              variant="default"
              leftSection={<IconSettings size={16} aria-hidden />}
            >
              Advertisement settings
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        <ForecastDraftForm
          key={`${ad.advertisementId}:${ad.version}`}
          advertisement={ad}
          caseId={caseId}
          defaultPriority={caseDetail.data?.priority ?? "EMERGENCY"}
          canRun={access.can("runForecast")}
          cannotRunReason={access.reason("Running a forecast", "runForecast")}
          running={start.isPending}
          error={start.error}
          onRun={(body) =>
            start.mutate(body, {
              onSuccess: (r) =>
                setSearch(
                  (s) => {
                    s.set("forecast", r.id);
                    return s;
                  },
                  { replace: false },
                ),
            })
          }
        />
        {forecastId ? (
          <ForecastPanel key={forecastId} forecastId={forecastId} />
        ) : list.isPending && !chosen ? null : (
          <Card withBorder>
            <Text size="sm">
              No forecast of this advertisement yet. Check the draft above and run one: it takes a few seconds.
            </Text>
          </Card>
        )}
        {!chosen && (list.data?.items.length ?? 0) > 1 ? (
          <EarlierForecasts items={list.data?.items.slice(1) ?? []} caseId={caseId} />
        ) : null}
      </Stack>
    </>
  );
}

function EarlierForecasts({
  items,
  caseId,
}: {
  items: { id: string; createdAt: string; status: string }[];
  caseId: string | null;
}) {
  return (
    <Card withBorder component="section" aria-labelledby="earlier-heading">
      <Title order={2} size="h5" id="earlier-heading" mb={4}>
        Earlier forecasts
      </Title>
      <List size="sm">
        {items.map((f) => (
          <List.Item key={f.id}>
            <Anchor component={Link} to={`?forecast=${f.id}${caseId ? `&case=${encodeURIComponent(caseId)}` : ""}`}>
              {`${formatDateTime(f.createdAt)} (${f.status.toLowerCase()})`}
            </Anchor>
          </List.Item>
        ))}
      </List>
    </Card>
  );
}

function ForecastPanel({ forecastId }: { forecastId: string }) {
  const q = useQuery(forecastQueries.detail(forecastId));
  const access = useProcessAccess();
  const [applying, setApplying] = useState<ForecastVariant | null>(null);
  if (q.isPending)
    return (
      <Group gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm">Reading the forecast…</Text>
      </Group>
    );
  if (q.isError) return <ErrorAlert error={q.error} title="The forecast could not be read" />;
  const f = q.data;
  const canApply = access.can("applyForecast");
  const applyNote = !f.source
    ? "This forecast is of a draft that is not an advertisement yet: there is nothing to apply it to."
    : !canApply
      ? access.reason("Applying a variant", "applyForecast")
      : undefined;
  return (
    <>
      <ForecastStatus forecast={f} />
      {f.status === "DONE" && f.result ? (
        <>
          <Summary forecast={f} />
          <ForecastChart result={f.result} />
          <VariantTable
            result={f.result}
            onApply={canApply && f.source ? (v) => setApplying(v) : undefined}
            applyNote={applyNote}
          />
          <MissLists result={f.result} />
        </>
      ) : null}
      {applying ? <ApplyVariantModal forecastId={f.id} variant={applying} onClose={() => setApplying(null)} /> : null}
    </>
  );
}

function Summary({ forecast: f }: { forecast: ForecastRecord }) {
  const r = f.result;
  if (!r) return null;
  const best = bestVariant(r);
  const bestResult = r.variants.find((v) => v.variant === best);
  return (
    <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />} title="What the forecast says">
      <Stack gap={4}>
        <Text size="sm">
          {bestResult
            ? `Best: “${forecastVariantLabels[best]}” — ${bestResult.target.met ? "meets" : "does not meet"} the ${r.priority.toLowerCase()} target (${Math.round(bestResult.target.likelihood * 100)} % of runs reach ${r.goalPct} % in time).`
            : ""}
        </Text>
        <Text size="sm">{r.sampling.note}</Text>
        <Text size="sm">
          {`The forecast assumes ${f.request.programSuccessPct} % of program runs succeed and models no reruns, so no curve rises above ${f.request.programSuccessPct} %.`}
        </Text>
        {f.applied ? (
          <Text size="sm" fw={600}>
            <IconFileDescription size={14} aria-hidden style={{ verticalAlign: "-2px" }} />{" "}
            {`“${forecastVariantLabels[f.applied.variant]}” was applied by ${f.applied.by} on ${formatDateTime(f.applied.at)}.`}
          </Text>
        ) : null}
      </Stack>
    </Alert>
  );
}
