import { MantineProvider } from "@mantine/core";
import { DatesProvider } from "@mantine/dates";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { theme } from "./theme";

/** Everything around the router; shared by main.tsx and the tests so both render the same way. */
interface AppProvidersProps {
  queryClient: QueryClient;
  children: ReactNode;
  /** Mantine's `test` environment turns off transitions and portals (component tests). */
  mantineEnv?: "default" | "test";
}

export function AppProviders({ queryClient, children, mantineEnv = "default" }: AppProvidersProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <MantineProvider theme={theme} defaultColorScheme="light" env={mantineEnv}>
        <DatesProvider settings={{ firstDayOfWeek: 1 }}>
          <Notifications position="top-right" />
          {children}
        </DatesProvider>
      </MantineProvider>
    </QueryClientProvider>
  );
}
