import { Center, Loader, Stack, Text } from "@mantine/core";
import { Outlet } from "react-router";

/** The top route: everything renders inside it; its error boundary is the last resort. */
export function RootRoute() {
  return <Outlet />;
}

/** Shown while the first route's loaders run (e.g. the session check). */
export function RootHydrateFallback() {
  return (
    <Center mih="100vh">
      <Stack align="center" gap="xs">
        <Loader aria-hidden />
        <Text role="status">Loading Firebreak…</Text>
      </Stack>
    </Center>
  );
}
