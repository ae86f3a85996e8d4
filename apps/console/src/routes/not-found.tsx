import { Button, EmptyState } from "@mantine/core";
import { IconMapQuestion } from "@tabler/icons-react";
import { Link } from "react-router";
import { DocumentTitle } from "../components/ui/document-title";

/** Unknown URLs, and API 404s that reach a route's error boundary. */
export function NotFoundPage({ message }: { message?: string | undefined }) {
  return (
    <EmptyState mt="xl" variant="light" color="gray" icon={<IconMapQuestion aria-hidden />}>
      <DocumentTitle title="Page not found" />
      <EmptyState.Title order={1}>Page not found</EmptyState.Title>
      <EmptyState.Description>
        {message ?? "There is nothing at this address. Check the link, or start again from the overview."}
      </EmptyState.Description>
      <EmptyState.Actions>
        <Button component={Link} to="/">
          Go to the overview
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}

export function NotFoundRoute() {
  return <NotFoundPage />;
}
