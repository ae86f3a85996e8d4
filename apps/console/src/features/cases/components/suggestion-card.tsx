import { releasePriorityLabels, type CaseDetail } from "@firebreak/domain";
import { Badge, Card, Group, List, Text, Title } from "@mantine/core";
import { IconBulb } from "@tabler/icons-react";

/** The suggested priority and its reasons, said plainly to be a suggestion: a person decides. */
export function SuggestionCard({ caseDetail }: { caseDetail: CaseDetail }) {
  const s = caseDetail.suggestion;
  if (!s) return null;
  const confirmed = caseDetail.record.priorityConfirmation?.finalPriority;
  const [first, ...rest] = s.reasons;
  return (
    <Card withBorder component="section" aria-labelledby="suggestion-heading">
      <Group gap="xs" mb={6}>
        <IconBulb size={18} aria-hidden />
        <Title order={2} size="h4" id="suggestion-heading">
          Suggested priority — a person decides
        </Title>
      </Group>
      <Group gap="xs" mb="xs">
        <Badge variant="outline" color="indigo" tt="none" size="lg">
          {`Suggestion: ${releasePriorityLabels[s.suggested]}`}
        </Badge>
        {s.alternatives?.length ? (
          <Text size="sm">or {s.alternatives.map((p) => releasePriorityLabels[p]).join(" or ")}</Text>
        ) : null}
        {confirmed ? (
          <Text size="sm" c="dimmed">
            {confirmed === s.suggested
              ? "The confirmed priority matches."
              : `The team confirmed ${releasePriorityLabels[confirmed]}.`}
          </Text>
        ) : null}
      </Group>
      {first ? (
        <Text size="sm" fw={600} mb={4}>
          {first}
        </Text>
      ) : null}
      <List size="sm" spacing={2}>
        {rest.map((reason) => (
          <List.Item key={reason}>{reason}</List.Item>
        ))}
      </List>
    </Card>
  );
}
