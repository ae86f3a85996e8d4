import {
  drillVerdictLabels,
  formatDuration,
  injectKindLabels,
  type DrillFinding,
  type DrillReportView,
} from "@firebreak/domain";
import { AreaChart } from "@mantine/charts";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconLock, IconPrinter } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { ErrorAlert } from "../components/ui/error-alert";
import { PageHeader } from "../components/ui/page-header";
import { ScrollTable } from "../components/ui/scroll-table";
import { drillDuration, MetricTable } from "../features/drills/components/metric-table";
import { useDrillAction, useRecordDebrief } from "../features/drills/drills.mutations";
import { drillQueries } from "../features/drills/drills.queries";
import { navItemFor } from "../features/navigation/navigation";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/drills");

export const drillReportLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    void queryClient.prefetchQuery(drillQueries.report(params.drillId ?? ""));
    return null;
  };

const verdictColor = { PASS: "green", PASS_WITH_FINDINGS: "yellow", FAIL: "red" } as const;

function SignOffForm({ view }: { view: DrillReportView }) {
  const action = useDrillAction();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="no-print"
      aria-label="Sign off the report"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (comment.trim().length < 3) {
          setError("Write a sign-off comment");
          return;
        }
        setError(null);
        action.mutate({ drill: { id: view.drillId, version: view.version }, action: { type: "signOff", comment } });
      }}
    >
      <Stack gap="xs">
        <Textarea
          label="Sign-off comment"
          description="Your name and the time are recorded with it; the signed report is frozen."
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={error}
          required
          autosize
          minRows={2}
        />
        {action.isError ? <ErrorAlert error={action.error} title="The report was not signed off" /> : null}
        <Button type="submit" loading={action.isPending} style={{ alignSelf: "flex-start" }}>
          Sign off report
        </Button>
      </Stack>
    </form>
  );
}

function FindingsEditor({ view }: { view: DrillReportView }) {
  const record = useRecordDebrief();
  const staff = useQuery(drillQueries.staff());
  const [findings, setFindings] = useState<DrillFinding[]>(view.report.findings);
  const [summary, setSummary] = useState(view.report.debriefSummary);
  const set = (i: number, patch: Partial<DrillFinding>) =>
    setFindings(findings.map((f, k) => (k === i ? { ...f, ...patch } : f)));
  return (
    <form
      className="no-print"
      aria-label="Edit findings and actions"
      onSubmit={(e) => {
        e.preventDefault();
        record.mutate({ drill: { id: view.drillId, version: view.version }, debrief: { summary, findings } });
      }}
    >
      <Stack gap="xs">
        <Textarea
          label="Debrief summary"
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
          autosize
        />
        {findings.map((f, i) => (
          <Group key={i} align="flex-end" wrap="wrap">
            <TextInput
              label={`Finding ${i + 1}`}
              value={f.text}
              onChange={(e) => set(i, { text: e.currentTarget.value })}
              style={{ flex: 2 }}
            />
            <TextInput
              label={`Action ${i + 1}`}
              value={f.action}
              onChange={(e) => set(i, { action: e.currentTarget.value })}
              style={{ flex: 2 }}
            />
            <Select
              label={`Owner of action ${i + 1}`}
              data={(staff.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
              value={f.ownerId || null}
              onChange={(v) => set(i, { ownerId: v ?? "" })}
              searchable
              style={{ flex: 1 }}
            />
            <Button variant="subtle" color="red" onClick={() => setFindings(findings.filter((_, k) => k !== i))}>
              Remove<VisuallyHidden> finding {i + 1}</VisuallyHidden>
            </Button>
          </Group>
        ))}
        <Group>
          <Button
            variant="default"
            onClick={() => setFindings([...findings, { text: "", action: "", ownerId: "", dueAt: null }])}
          >
            Add finding
          </Button>
          <Button type="submit" loading={record.isPending}>
            Save findings
          </Button>
        </Group>
        {record.isError ? <ErrorAlert error={record.error} title="The findings were not saved" /> : null}
      </Stack>
    </form>
  );
}

export function DrillReportPage({ view }: { view: DrillReportView }) {
  const r = view.report;
  const curve = r.coverageCurve.map((p) => ({ at: `${p.simHours.toFixed(1)} h`, Coverage: p.pct }));
  return (
    <>
      <PageHeader
        title={`Drill report: ${r.title}`}
        description={`${r.scenario.name} · started ${formatDateTime(r.startedAt)}${r.endedAt ? ` · ended ${formatDateTime(r.endedAt)}` : " · still running"}`}
        actions={
          <Button
            className="no-print"
            variant="default"
            leftSection={<IconPrinter size={16} aria-hidden />}
            onClick={() => window.print()}
          >
            Print / Export PDF
          </Button>
        }
      />
      <Stack gap="lg" className="drill-report">
        {view.frozen && view.signOff ? (
          <Alert color="green" icon={<IconLock aria-hidden />} title="Signed off — this report is frozen">
            Signed off by {view.signOff.name} on {formatDateTime(view.signOff.at)}: “{view.signOff.comment}”. Later
            changes to the drill are refused.
          </Alert>
        ) : (
          <Alert color="yellow" title="Not signed off">
            {view.state === "ENDED"
              ? "The figures are computed from the drill's timeline and may still change until a manager signs the report off."
              : "The drill is still running: the figures are as of now."}
          </Alert>
        )}
        <Card withBorder component="section" aria-labelledby="verdict-heading">
          <Title order={2} size="h4" id="verdict-heading" mb="xs">
            Verdict
          </Title>
          <Group gap="sm" mb="xs">
            <Badge
              size="lg"
              color={verdictColor[r.verdict.verdict]}
              variant="filled"
              c={r.verdict.verdict === "PASS_WITH_FINDINGS" ? "dark" : undefined}
            >
              {drillVerdictLabels[r.verdict.verdict]}
            </Badge>
          </Group>
          <Text>{r.verdict.sentence}</Text>
          <Text size="sm" mt="xs">
            {`Drill time ${drillDuration(r.drillMs)} (pauses excluded${r.pausedMs > 0 ? `; paused ${drillDuration(r.pausedMs)}` : ""}), ${formatDuration(r.simMs)} simulated in the sandbox fleet.`}
          </Text>
          <Text size="sm" c="dimmed" mt={4}>
            Time scale: {r.timeScaleNote}
          </Text>
        </Card>
        <Card withBorder component="section" aria-labelledby="metrics-heading">
          <Title order={2} size="h4" id="metrics-heading" mb="xs">
            Metrics against targets
          </Title>
          <MetricTable metrics={r.metrics} />
        </Card>
        <Card withBorder component="section" aria-labelledby="curve-heading">
          <Title order={2} size="h4" id="curve-heading" mb="xs">
            Coverage curve
          </Title>
          {curve.length > 1 ? (
            <figure
              style={{ margin: 0 }}
              aria-label={`Coverage by simulated hour: from ${curve[0]!.Coverage} % to ${curve.at(-1)!.Coverage} %.`}
            >
              <AreaChart
                h={260}
                data={curve}
                dataKey="at"
                series={[{ name: "Coverage", color: "green.8" }]}
                unit=" %"
                withDots={false}
                xAxisLabel="Simulated hours since the drill started (T0)"
                yAxisLabel="Coverage"
                yAxisProps={{ domain: [0, 100] }}
                referenceLines={[{ y: 95, label: "95 % target", color: "gray.7" }]}
              />
            </figure>
          ) : (
            <Text>No coverage was measured: the release was not advertised in the sandbox.</Text>
          )}
        </Card>
        <Card withBorder component="section" aria-labelledby="injects-heading">
          <Title order={2} size="h4" id="injects-heading" mb="xs">
            Injects
          </Title>
          <Table aria-label="Injects" className="print-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Minute</Table.Th>
                <Table.Th scope="col">Inject</Table.Th>
                <Table.Th scope="col">Fired</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.injects.map((i) => (
                <Table.Tr key={i.injectId}>
                  <Table.Td>{i.atMinute}</Table.Td>
                  <Table.Td>
                    {i.title}
                    <Text size="xs" c="dimmed">
                      {injectKindLabels[i.kind]}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {i.firedAt
                      ? `${formatDateTime(i.firedAt)}${i.early ? " (early, by the umpire)" : ""}`
                      : "Not fired"}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder component="section" aria-labelledby="deviations-heading">
          <Title order={2} size="h4" id="deviations-heading" mb="xs">
            Deviations from the process
          </Title>
          {r.deviations.length === 0 ? (
            <Text>None found.</Text>
          ) : (
            <Stack gap={4} component="ul" style={{ paddingLeft: 20 }}>
              {r.deviations.map((x, i) => (
                <li key={i}>
                  <Text fw={600} component="span">
                    {x.severity === "MAJOR" ? "Major" : "Minor"}: {x.title}.
                  </Text>{" "}
                  {x.message}
                </li>
              ))}
            </Stack>
          )}
        </Card>
        <Card withBorder component="section" aria-labelledby="findings-heading">
          <Title order={2} size="h4" id="findings-heading" mb="xs">
            Findings and actions
          </Title>
          {r.debriefSummary ? <Text mb="xs">{r.debriefSummary}</Text> : null}
          {r.findings.length === 0 ? (
            <Text>No findings recorded.</Text>
          ) : (
            <Table aria-label="Findings and actions" className="print-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Finding</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                  <Table.Th scope="col">Owner</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.findings.map((f, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{f.text}</Table.Td>
                    <Table.Td>{f.action}</Table.Td>
                    <Table.Td>{view.people[f.ownerId] ?? f.ownerId}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {view.canEditDebrief ? <FindingsEditor view={view} /> : null}
        </Card>
        <Card withBorder component="section" aria-labelledby="timeline-heading">
          <Title order={2} size="h4" id="timeline-heading" mb="xs">
            Timeline
          </Title>
          <ScrollTable minWidth={560} label="Timeline">
            <Table aria-label="Timeline" className="print-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Drill minute</Table.Th>
                  <Table.Th scope="col">Time</Table.Th>
                  <Table.Th scope="col">What happened</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.timeline.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{e.drillMinute}</Table.Td>
                    <Table.Td>{formatDateTime(e.at)}</Table.Td>
                    <Table.Td>{e.summary}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </Card>
        {!view.frozen ? (
          <Card withBorder component="section" aria-labelledby="signoff-heading" className="no-print">
            <Title order={2} size="h4" id="signoff-heading" mb="xs">
              Sign-off
            </Title>
            {view.canSignOff ? <SignOffForm view={view} /> : <Text>{view.signOffBlockedReason}</Text>}
          </Card>
        ) : null}
      </Stack>
    </>
  );
}

export function DrillReportRoute() {
  const { drillId = "" } = useParams();
  const report = useQuery(drillQueries.report(drillId));
  if (report.isPending) return <Skeleton height={400} aria-label="Loading the report" />;
  if (report.isError)
    return (
      <ErrorAlert error={report.error} title="Could not load the report">
        Open the{" "}
        <Anchor component={Link} to={`/drills/${drillId}`}>
          drill
        </Anchor>
        : a drill has a report once it has started.
      </ErrorAlert>
    );
  return <DrillReportPage view={report.data} />;
}
