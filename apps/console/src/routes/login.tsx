import { LoginBodySchema } from "@firebreak/domain";
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertCircle, IconFlame } from "@tabler/icons-react";
import type { QueryClient } from "@tanstack/react-query";
import { redirect, useNavigate, useSearchParams, type LoaderFunctionArgs } from "react-router";
import { isApiError } from "../api/client";
import { DocumentTitle } from "../components/ui/document-title";
import { RequestId } from "../components/ui/request-id";
import { useLogin } from "../features/session/session.mutations";
import { safeNextPath } from "../features/session/session.guards";
import { sessionQueries } from "../features/session/session.queries";
import { describeError } from "../lib/describe-error";
import { formatDuration } from "../lib/format";
import { FORM_ERROR, useSchemaForm } from "../lib/use-schema-form";

export const loginLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    const session = await queryClient.ensureQueryData(sessionQueries.current());
    if (session) throw redirect(safeNextPath(new URL(request.url).searchParams.get("next")));
    return null;
  };

function loginFailureMessage(error: unknown): { title: string; message: string; requestId?: string | undefined } {
  if (isApiError(error)) {
    if (error.code === "RATE_LIMITED") {
      const wait = error.retryAfterSeconds;
      return {
        title: "Too many sign-in attempts",
        message:
          wait !== undefined
            ? `Sign-in is paused for this account. Try again in ${formatDuration(wait)}.`
            : error.message,
        requestId: error.requestId,
      };
    }
    if (error.code === "UNAUTHENTICATED") return { title: "Could not sign in", message: error.message };
  }
  const described = describeError(error);
  return { title: "Could not sign in", message: described.message, requestId: described.requestId };
}

export function LoginRoute() {
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const { attachForm, ...form } = useSchemaForm({
    schema: LoginBodySchema,
    initialValues: { username: "", password: "" },
  });

  const submit = form.handleSubmit((body) => {
    login.mutate(body, {
      onSuccess: () => void navigate(safeNextPath(searchParams.get("next")), { replace: true }),
      onError: () => form.reset({ username: form.values.username, password: "" }),
    });
  });

  const failure = login.isError ? loginFailureMessage(login.error) : null;

  return (
    <Box component="main" id="main-content" tabIndex={-1} bg="gray.0" mih="100vh">
      <DocumentTitle title="Sign in" />
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
          <Stack gap="lg">
            <Stack gap={4} align="center">
              <IconFlame size={36} aria-hidden color="var(--mantine-color-orange-8)" />
              <Title order={1} size="h2">
                Sign in to Firebreak
              </Title>
              <Text c="dimmed" size="sm" ta="center">
                Patch emergency operations console
              </Text>
            </Stack>

            {failure ? (
              <Alert
                color="red"
                variant="light"
                role="alert"
                title={failure.title}
                icon={<IconAlertCircle aria-hidden />}
              >
                {failure.message}
                <RequestId id={failure.requestId} />
              </Alert>
            ) : null}

            <form ref={attachForm} onSubmit={submit} noValidate aria-label="Sign in">
              <Stack gap="md">
                <TextInput
                  label="Username"
                  name="username"
                  autoComplete="username"
                  autoCapitalize="none"
                  spellCheck={false}
                  required
                  value={form.values.username}
                  onChange={(e) => form.setField("username", e.currentTarget.value)}
                  error={form.errors.username}
                />
                <PasswordInput
                  label="Password"
                  name="password"
                  autoComplete="current-password"
                  required
                  value={form.values.password}
                  onChange={(e) => form.setField("password", e.currentTarget.value)}
                  error={form.errors.password}
                />
                {form.errors[FORM_ERROR] ? (
                  <Text c="var(--mantine-color-error)" size="sm" role="alert">
                    {form.errors[FORM_ERROR]}
                  </Text>
                ) : null}
                <Button type="submit" fullWidth loading={login.isPending}>
                  Sign in
                </Button>
              </Stack>
            </form>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
