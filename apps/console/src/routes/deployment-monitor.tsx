import { Alert, Badge, Box, Button, Group, Text } from "@mantine/core";
import {
  IconArrowLeft,
  IconChartDots3,
  IconHandStop,
  IconPlayerPlay,
  IconPlugConnectedX,
  IconRefresh,
  IconSettings,
} from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, type LoaderFunctionArgs } from "react-router";
import { PageHeader } from "../components/ui/page-header";
import { advertisementQueries } from "../features/advertisements/advertisements.queries";
import { MandatoryBadge } from "../features/advertisements/components/advert-badges";
import { HaltDeploymentModal } from "../features/halts/components/halt-deployment-modal";
import { HaltVerificationCard } from "../features/halts/components/halt-verification-card";
import { ResumeDeploymentModal } from "../features/halts/components/resume-deployment-modal";
import { MonitorView } from "../features/monitoring/components/monitor-view";
import { MONITOR_FALLBACK_POLL_MS, monitorQueries } from "../features/monitoring/monitoring.queries";
import { useMonitorStream, type MonitorStream } from "../features/monitoring/use-monitor-stream";
import { navItemFor } from "../features/navigation/navigation";
import { useProcessAccess } from "../features/process/process-access";
import { requirePermission } from "../features/session/session.guards";
import { formatDateTime } from "../lib/format";

const item = navItemFor("/deployments");

export const deploymentMonitorLoader =
  (queryClient: QueryClient) =>
  async ({ request, params }: LoaderFunctionArgs) => {
    await requirePermission(queryClient, request, item.permission);
    const id = params.advertisementId ?? "";
    void queryClient.prefetchQuery(advertisementQueries.detail(id));
    await queryClient.ensureQueryData(monitorQueries.advertisement(id));
    return null;
  };

const dotStyle = (color: string) => ({
  display: "inline-block",
  width: 8,
  height: 8,
  borderRadius: "50%",
  background: color,
});

/** "Live" with the time of the last snapshot, or why it is not live; announced politely. */
function LiveIndicator({ stream, generatedAt }: { stream: MonitorStream; generatedAt: string }) {
  const live = stream.status === "live";
  return (
    <Group gap="xs" wrap="wrap">
      <Box role="status" aria-live="polite">
        {live ? (
          <Badge
            color="green"
            variant="light"
            size="lg"
            tt="none"
            leftSection={<span style={dotStyle("var(--mantine-color-green-8)")} />}
          >
            Live
          </Badge>
        ) : stream.status === "connecting" ? (
          <Badge color="gray" variant="light" size="lg" tt="none">
            Connecting…
          </Badge>
        ) : (
          <Badge
            color="orange"
            variant="light"
            size="lg"
            tt="none"
            leftSection={<IconPlugConnectedX size={14} aria-hidden />}
          >
            Live updates paused
          </Badge>
        )}
      </Box>
      <Text size="sm" c="dimmed">
        {`Figures as of ${formatDateTime(generatedAt)}`}
      </Text>
    </Group>
  );
}

export function DeploymentMonitorRoute() {
  const { advertisementId = "" } = useParams();
  // One stream per advertisement: a new id remounts the page (key below).
  return <Monitor key={advertisementId} advertisementId={advertisementId} />;
}

function Monitor({ advertisementId }: { advertisementId: string }) {
  const stream = useMonitorStream(advertisementId);
  const { data: monitor } = useSuspenseQuery({
    ...monitorQueries.advertisement(advertisementId),
    // While the stream is down the figures are still refreshed, just less often.
    refetchInterval: stream.status === "live" || stream.status === "connecting" ? false : MONITOR_FALLBACK_POLL_MS,
  });
  const advert = useQuery(advertisementQueries.detail(advertisementId));
  const name = advert.data?.advertisementName ?? advertisementId;
  const access = useProcessAccess();
  const [halting, setHalting] = useState(false);
  const [resuming, setResuming] = useState(false);
  const verification = monitor.haltVerification;
  const caseRef = verification?.case ?? null;
  // Halting again still does something while the advertisement is active (disable it too) or a
  // case still deploys through it — what the verification card tells people to do.
  const mayHalt =
    access.mayTry("haltRelease") &&
    advert.data !== undefined &&
    advert.data.state !== "DELETED" &&
    (advert.data.state === "ACTIVE" || (caseRef !== null && ["DEPLOYING", "DEPLOYED"].includes(caseRef.status)));
  // A halt of this advertisement no halted case stands behind is resumed here (a case's from the case).
  const ownHalt = verification?.haltSource === "ADVERTISEMENT" ? verification.halt : null;
  const resumable = ownHalt !== null && !ownHalt.cases.some((c) => c.status === "HALTED") ? ownHalt : null;
  const mayResume = resumable !== null && access.mayTry("authoriseRollback");

  return (
    <>
      <PageHeader
        title={`Deployment: ${name}`}
        description={
          <Group gap="xs" component="span">
            <Text span ff="monospace" size="sm">
              {advertisementId}
            </Text>
            {advert.data ? (
              <>
                <Text
                  span
                  size="sm"
                >{`${advert.data.packageId} / ${advert.data.programName} → ${advert.data.collectionId}`}</Text>
                <MandatoryBadge mandatory={advert.data.mandatory} />
                {advert.data.programDisabled ? (
                  <Badge color="red" variant="filled" tt="none">
                    {verification?.halt ? "Program disabled (halted)" : "Program disabled"}
                  </Badge>
                ) : null}
              </>
            ) : null}
          </Group>
        }
        actions={
          <>
            <Button
              component={Link}
              to="/deployments"
              variant="default"
              leftSection={<IconArrowLeft size={16} aria-hidden />}
            >
              All deployments
            </Button>
            <Button
              component={Link}
              to={`/sites/advertisements/${encodeURIComponent(advertisementId)}`}
              variant="default"
              leftSection={<IconSettings size={16} aria-hidden />}
            >
              Advertisement settings
            </Button>
            <Button
              component={Link}
              to={`/deployments/${encodeURIComponent(advertisementId)}/forecast${monitor.haltVerification?.case ? `?case=${encodeURIComponent(monitor.haltVerification.case.id)}` : ""}`}
              variant="default"
              leftSection={<IconChartDots3 size={16} aria-hidden />}
            >
              Forecast this advertisement…
            </Button>
            {mayResume ? (
              <Button
                variant="light"
                leftSection={<IconPlayerPlay size={16} aria-hidden />}
                onClick={() => setResuming(true)}
              >
                Resume deployment…
              </Button>
            ) : null}
            {mayHalt ? (
              <Button color="red" leftSection={<IconHandStop size={16} aria-hidden />} onClick={() => setHalting(true)}>
                Halt deployment…
              </Button>
            ) : null}
          </>
        }
      />
      <Box mb="md">
        <LiveIndicator stream={stream} generatedAt={monitor.generatedAt} />
      </Box>
      {stream.status === "paused" || stream.status === "ended" ? (
        <Alert
          color="orange"
          variant="light"
          mb="md"
          icon={<IconPlugConnectedX aria-hidden />}
          title={stream.status === "ended" ? "Live updates stopped" : "Live updates paused"}
        >
          <Text size="sm">
            {`${stream.reason ?? "The live connection is down."} Meanwhile the figures refresh every ${MONITOR_FALLBACK_POLL_MS / 1000} s.`}
          </Text>
          <Button
            size="xs"
            mt="sm"
            variant="default"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={stream.reconnect}
          >
            Reconnect now
          </Button>
        </Alert>
      ) : null}
      <HaltVerificationCard verification={verification} />
      <MonitorView monitor={monitor} />
      {halting && advert.data ? (
        <HaltDeploymentModal
          advertisementId={advertisementId}
          packageId={advert.data.packageId}
          programName={advert.data.programName}
          caseRef={caseRef}
          needsGrant={!access.can("haltRelease")}
          onClose={() => setHalting(false)}
        />
      ) : null}
      {resuming && resumable ? (
        <ResumeDeploymentModal
          halt={resumable}
          needsGrant={!access.can("authoriseRollback")}
          onClose={() => setResuming(false)}
        />
      ) : null}
    </>
  );
}
