import { Button, Code, Container, EmptyState, Group, Text } from "@mantine/core";
import { IconAlertTriangle, IconPlugConnectedX } from "@tabler/icons-react";
import { Link, isRouteErrorResponse, useLocation, useRevalidator, useRouteError } from "react-router";
import { isApiError } from "../api/client";
import { DocumentTitle } from "../components/ui/document-title";
import { describeError } from "../lib/describe-error";
import { loginPathFor } from "../features/session/session.guards";
import { ForbiddenPage } from "./forbidden";
import { NotFoundPage } from "./not-found";

/**
 * The error element of the routes: 403 and 404 get their own pages, API errors become readable
 * messages with the request id shown small for support, anything else a generic message.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  const revalidator = useRevalidator();

  if (isRouteErrorResponse(error)) {
    if (error.status === 403) return <ForbiddenPage />;
    if (error.status === 404) return <NotFoundPage />;
  }
  if (isApiError(error)) {
    if (error.status === 403 && error.code === "FORBIDDEN") return <ForbiddenPage message={error.message} />;
    if (error.status === 404) return <NotFoundPage message={error.message} />;
  }

  const described = describeError(isRouteErrorResponse(error) ? new Error(String(error.status)) : error);
  const signedOut = isApiError(error) && error.status === 401;
  const unreachable = isApiError(error) && error.code === "UNAVAILABLE";

  return (
    <Container size="sm">
      <EmptyState
        mt="xl"
        variant="light"
        color="red"
        icon={unreachable ? <IconPlugConnectedX aria-hidden /> : <IconAlertTriangle aria-hidden />}
      >
        <DocumentTitle title={described.title} />
        <EmptyState.Title order={1}>{described.title}</EmptyState.Title>
        <EmptyState.Description>{described.message}</EmptyState.Description>
        <EmptyState.Actions>
          <Group justify="center">
            {signedOut ? (
              <Button
                component={Link}
                to={loginPathFor(new URL(location.pathname + location.search, window.location.origin))}
              >
                Sign in
              </Button>
            ) : (
              <>
                <Button onClick={() => void revalidator.revalidate()} loading={revalidator.state === "loading"}>
                  Try again
                </Button>
                <Button component={Link} to="/" variant="default">
                  Go to the overview
                </Button>
              </>
            )}
          </Group>
        </EmptyState.Actions>
        {described.requestId ? (
          <Text size="xs" c="dimmed" mt="md">
            Request id for support: <Code>{described.requestId}</Code>
          </Text>
        ) : null}
      </EmptyState>
    </Container>
  );
}

/** The last-resort boundary outside the app shell, so it supplies its own main landmark. */
export function RootErrorBoundary() {
  return (
    <main id="main-content" tabIndex={-1}>
      <RouteErrorBoundary />
    </main>
  );
}
