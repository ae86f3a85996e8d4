import { Button, EmptyState, Group } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { Link } from "react-router";
import { DocumentTitle } from "../components/ui/document-title";

/** Shown when a role opens a route it may not use (loaders throw a 403 response). */
export function ForbiddenPage({ message }: { message?: string | undefined }) {
  return (
    <EmptyState mt="xl" variant="light" color="orange" icon={<IconLock aria-hidden />}>
      <DocumentTitle title="Not allowed" />
      <EmptyState.Title order={1}>You do not have access to this page</EmptyState.Title>
      <EmptyState.Description>
        {message ??
          "Your role does not include this area. If you need it for your work, ask an administrator to change your role."}
      </EmptyState.Description>
      <EmptyState.Actions>
        <Group>
          <Button component={Link} to="/">
            Go to the overview
          </Button>
        </Group>
      </EmptyState.Actions>
    </EmptyState>
  );
}
