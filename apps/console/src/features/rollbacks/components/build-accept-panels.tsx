import {
  afterRunningLabels,
  formatFlagWord,
  programCanRunLabels,
  programDialogLabels,
  programView,
  runModeLabels,
  runWindowLabels,
  testResultLabels,
  testScopeLabels,
  type RollbackDetail,
  type RollbackProgramSpec,
} from "@firebreak/domain";
import { Alert, Anchor, Code, Group, List, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { Link } from "react-router";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatDateTime } from "../../../lib/format";
import { personName } from "./people";
import { RollbackActionButton } from "./rollback-action";
import { SectionCard } from "./section-card";

function ProgramCard({ title, spec }: { title: string; spec: RollbackProgramSpec }) {
  const view = programView(spec.programFlags);
  return (
    <Stack gap={6} role="group" aria-label={title}>
      <Text size="sm" fw={700}>
        {title}
      </Text>
      <Text size="sm">{`Program name: ${spec.programName}`}</Text>
      <Text size="xs" c="dimmed">
        Command line
      </Text>
      <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {spec.commandLine}
      </Code>
      <List size="xs" spacing={2}>
        <List.Item>{`${programDialogLabels.runMode}: ${runModeLabels[view.runMode]}`}</List.Item>
        <List.Item>{`${programDialogLabels.programCanRun}: ${programCanRunLabels[view.runWhen]}`}</List.Item>
        <List.Item>{`${programDialogLabels.afterRunning}: ${afterRunningLabels[view.afterRunning]}`}</List.Item>
        <List.Item>{`${programDialogLabels.run}: ${runWindowLabels[view.runWindow]}`}</List.Item>
        <List.Item>{`Unattended: ${view.unattended ? "yes" : "no"}; checks the update is present first: ${spec.checksUpdatePresent ? "yes" : "no"}`}</List.Item>
        <List.Item>{`ProgramFlags ${formatFlagWord(spec.programFlags)}; maximum run time ${spec.maxRunMinutes} min`}</List.Item>
      </List>
    </Stack>
  );
}

/** Step R4: the rollback package and programs generated from the update's uninstall command. */
export function BuildPanel({ detail }: { detail: RollbackDetail }) {
  const built = detail.record.build;
  const programs = built
    ? { checkFirst: built.checkFirst, plain: built.plain, checkFirstIssues: built.checkFirstIssues }
    : detail.programs;
  const current =
    detail.status === "PACKAGE_CLEANED" && detail.priorityConfirmed && detail.record.authorisation !== null;
  return (
    <SectionCard id="build" title="Rollback package and programs" current={current} done={built !== null}>
      <Stack gap="sm">
        <Text size="sm">
          {`Uninstall command of ${detail.kbNumber}: `}
          <Code>{detail.update.record.uninstallCommand ?? "none recorded"}</Code>
        </Text>
        {built ? (
          <Text size="sm">
            {`Built by ${personName(detail, built.builtBy)} on ${formatDateTime(built.builtAt)} as package `}
            <Anchor component={Link} to={`/sites/packages/${encodeURIComponent(built.packageId)}`}>
              {built.packageId}
            </Anchor>
            .
          </Text>
        ) : null}
        {!built && detail.programs.issues.length > 0 ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title="The rollback package cannot be built yet"
          >
            <List size="sm" spacing={4}>
              {detail.programs.issues.map((i) => (
                <List.Item key={i}>{i}</List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        {programs.plain ? (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {programs.checkFirst ? (
              <ProgramCard title="Option A: checks first" spec={programs.checkFirst} />
            ) : (
              <Stack gap={6} role="group" aria-label="Option A: checks first">
                <Text size="sm" fw={700}>
                  Option A: checks first
                </Text>
                <Alert
                  color="orange"
                  variant="light"
                  icon={<IconAlertTriangle aria-hidden />}
                  title="Option A is unavailable"
                >
                  <List size="sm" spacing={4}>
                    {programs.checkFirstIssues.map((i) => (
                      <List.Item key={i}>{i}</List.Item>
                    ))}
                  </List>
                  <Text size="sm" mt={4}>
                    Option B&apos;s plain uninstall program is built all the same.
                  </Text>
                </Alert>
              </Stack>
            )}
            <ProgramCard title="Option B: plain uninstall" spec={programs.plain} />
          </SimpleGrid>
        ) : null}
        {detail.programs.warnings.length > 0 ? (
          <List size="sm" spacing={4} aria-label="Build warnings">
            {detail.programs.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        ) : null}
        <RollbackActionButton detail={detail} action="build" />
      </Stack>
    </SectionCard>
  );
}

/** Acceptance of the rollback package before it is advertised (G5 for the rollback). */
export function AcceptancePanel({ detail }: { detail: RollbackDetail }) {
  const r = detail.record;
  return (
    <SectionCard
      id="acceptance"
      title="Acceptance testing"
      current={detail.status === "BUILT"}
      done={r.acceptance !== null}
    >
      <Stack gap="sm">
        {r.tests.length === 0 ? (
          <Text size="sm" c="dimmed">
            No acceptance test yet. Add at least the core-functionality checks that must pass once the update is
            removed.
          </Text>
        ) : (
          <ScrollTable minWidth={560} label="Rollback acceptance tests">
            <Table striped aria-label="Rollback acceptance tests">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Test</Table.Th>
                  <Table.Th scope="col">Scope</Table.Th>
                  <Table.Th scope="col">Result</Table.Th>
                  <Table.Th scope="col">Record</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.tests.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.name}</Table.Td>
                    <Table.Td>{testScopeLabels[t.scope]}</Table.Td>
                    <Table.Td>
                      {testResultLabels[t.result]}
                      {t.notes ? (
                        <Text size="xs" c="dimmed">
                          {t.notes}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <RollbackActionButton
                        detail={detail}
                        action="recordTestResult"
                        label={`Record result for ${t.name}`}
                        fixed={{ testId: t.id }}
                        size="xs"
                        variant="light"
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
        {r.reducedTestingAcceptance ? (
          <Text size="sm">
            {`Reduced testing accepted by ${personName(detail, r.reducedTestingAcceptance.acceptedBy)} on ${formatDateTime(r.reducedTestingAcceptance.acceptedAt)}: ${r.reducedTestingAcceptance.rationale}`}
          </Text>
        ) : null}
        {r.acceptance ? (
          <Text size="sm">
            {`Accepted by ${personName(detail, r.acceptance.acceptedBy)} on ${formatDateTime(r.acceptance.acceptedAt)} (${r.acceptance.path === "FULL" ? "full suite passed" : `reduced testing, ${r.acceptance.openTestIds.length} tests still open`}).`}
          </Text>
        ) : null}
        <Group gap="md" align="flex-start">
          <RollbackActionButton detail={detail} action="addTest" variant="light" />
          <RollbackActionButton detail={detail} action="acceptReducedTesting" variant="light" />
        </Group>
        <RollbackActionButton detail={detail} action="acceptRelease" />
      </Stack>
    </SectionCard>
  );
}
