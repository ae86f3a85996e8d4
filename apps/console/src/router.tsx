import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter, type RouteObject } from "react-router";
import { appShellLoader, AppShellRoute } from "./routes/app-shell";
import { deploymentsLoader, DeploymentsRoute } from "./routes/deployments";
import { drillsLoader, DrillsRoute } from "./routes/drills";
import { emergenciesLoader, EmergenciesRoute } from "./routes/emergencies";
import { RootErrorBoundary, RouteErrorBoundary } from "./routes/error-boundary";
import { loginLoader, LoginRoute } from "./routes/login";
import { NotFoundRoute } from "./routes/not-found";
import { overviewLoader, OverviewRoute } from "./routes/overview";
import { RootHydrateFallback, RootRoute } from "./routes/root";
import { triageLoader, TriageRoute } from "./routes/triage";

/**
 * All routes. Loaders get the one QueryClient and call ensureQueryData with the same query options
 * the screens read with useSuspenseQuery, so a screen renders with its data already in the cache.
 */
export function createRoutes(queryClient: QueryClient): RouteObject[] {
  return [
    {
      id: "root",
      Component: RootRoute,
      ErrorBoundary: RootErrorBoundary,
      HydrateFallback: RootHydrateFallback,
      children: [
        { path: "login", loader: loginLoader(queryClient), Component: LoginRoute },
        {
          id: "app",
          loader: appShellLoader(queryClient),
          Component: AppShellRoute,
          children: [
            {
              // Errors of a screen render inside the shell, so navigation stays usable.
              ErrorBoundary: RouteErrorBoundary,
              children: [
                { index: true, loader: overviewLoader(queryClient), Component: OverviewRoute },
                // The process: triage, cases, emergencies and their war rooms, out-of-band tasks, deployments.
                { path: "triage", loader: triageLoader(queryClient), Component: TriageRoute },
                {
                  path: "triage/cases/:caseId",
                  lazy: async () => {
                    const { caseLoader, CaseRoute } = await import("./routes/case");
                    return { loader: caseLoader(queryClient), Component: CaseRoute };
                  },
                },
                { path: "emergencies", loader: emergenciesLoader(queryClient), Component: EmergenciesRoute },
                {
                  path: "emergencies/:emergencyId",
                  lazy: async () => {
                    const { warRoomLoader, WarRoomRoute } = await import("./routes/war-room");
                    return { loader: warRoomLoader(queryClient), Component: WarRoomRoute };
                  },
                },
                {
                  path: "emergencies/:emergencyId/tasks",
                  lazy: async () => {
                    const { oobTasksLoader, OobTasksRoute } = await import("./routes/oob-tasks");
                    return { loader: oobTasksLoader(queryClient), Component: OobTasksRoute };
                  },
                },
                {
                  path: "tasks",
                  lazy: async () => {
                    const { oobTasksLoader, OobTasksRoute } = await import("./routes/oob-tasks");
                    return { loader: oobTasksLoader(queryClient), Component: OobTasksRoute };
                  },
                },
                { path: "deployments", loader: deploymentsLoader(queryClient), Component: DeploymentsRoute },
                {
                  // Per update (its compliance key, e.g. KB835732); no stream, the figures are polled.
                  path: "deployments/updates/:updateId",
                  lazy: async () => {
                    const { updateMonitorLoader, UpdateMonitorRoute } = await import("./routes/update-monitor");
                    return { loader: updateMonitorLoader(queryClient), Component: UpdateMonitorRoute };
                  },
                },
                {
                  path: "rollbacks",
                  lazy: async () => {
                    const { rollbacksLoader, RollbacksRoute } = await import("./routes/rollbacks");
                    return { loader: rollbacksLoader(queryClient), Component: RollbacksRoute };
                  },
                },
                {
                  path: "rollbacks/:rollbackId",
                  lazy: async () => {
                    const { rollbackLoader, RollbackRoute } = await import("./routes/rollback");
                    return { loader: rollbackLoader(queryClient), Component: RollbackRoute };
                  },
                },
                {
                  path: "deployments/:advertisementId",
                  lazy: async () => {
                    const { deploymentMonitorLoader, DeploymentMonitorRoute } =
                      await import("./routes/deployment-monitor");
                    return { loader: deploymentMonitorLoader(queryClient), Component: DeploymentMonitorRoute };
                  },
                },
                {
                  // The what-if forecast of an advertisement (?forecast=<id>, ?case=<case id>).
                  path: "deployments/:advertisementId/forecast",
                  lazy: async () => {
                    const { forecastLoader, ForecastRoute } = await import("./routes/forecast");
                    return { loader: forecastLoader(queryClient), Component: ForecastRoute };
                  },
                },
                // Sites & senders (the SMS distribution model), loaded on first use.
                {
                  path: "sites",
                  lazy: async () => {
                    const { sitesLoader, SitesRoute } = await import("./routes/sites");
                    return { loader: sitesLoader(queryClient), Component: SitesRoute };
                  },
                },
                {
                  path: "sites/senders",
                  lazy: async () => {
                    const { senderAddressesLoader, SenderAddressesRoute } = await import("./routes/sender-addresses");
                    return { loader: senderAddressesLoader(queryClient), Component: SenderAddressesRoute };
                  },
                },
                {
                  path: "sites/senders/:addressId",
                  lazy: async () => {
                    const { senderAddressLoader, SenderAddressRoute } = await import("./routes/sender-address");
                    return { loader: senderAddressLoader(queryClient), Component: SenderAddressRoute };
                  },
                },
                {
                  path: "sites/packages",
                  lazy: async () => {
                    const { packagesLoader, PackagesRoute } = await import("./routes/packages");
                    return { loader: packagesLoader(queryClient), Component: PackagesRoute };
                  },
                },
                {
                  path: "sites/packages/:packageId",
                  lazy: async () => {
                    const { packageLoader, PackageRoute } = await import("./routes/package");
                    return { loader: packageLoader(queryClient), Component: PackageRoute };
                  },
                },
                {
                  path: "sites/packages/:packageId/programs/:programName",
                  lazy: async () => {
                    const { programLoader, ProgramRoute } = await import("./routes/program");
                    return { loader: programLoader(queryClient), Component: ProgramRoute };
                  },
                },
                {
                  path: "sites/advertisements",
                  lazy: async () => {
                    const { advertisementsLoader, AdvertisementsRoute } = await import("./routes/advertisements");
                    return { loader: advertisementsLoader(queryClient), Component: AdvertisementsRoute };
                  },
                },
                {
                  path: "sites/advertisements/:advertisementId",
                  lazy: async () => {
                    const { advertisementLoader, AdvertisementRoute } = await import("./routes/advertisement");
                    return { loader: advertisementLoader(queryClient), Component: AdvertisementRoute };
                  },
                },
                {
                  path: "sites/collections",
                  lazy: async () => {
                    const { collectionsLoader, CollectionsRoute } = await import("./routes/collections");
                    return { loader: collectionsLoader(queryClient), Component: CollectionsRoute };
                  },
                },
                {
                  path: "sites/computers",
                  lazy: async () => {
                    const { computersLoader, ComputersRoute } = await import("./routes/computers");
                    return { loader: computersLoader(queryClient), Component: ComputersRoute };
                  },
                },
                { path: "drills", loader: drillsLoader(queryClient), Component: DrillsRoute },
                {
                  path: "drills/trends",
                  lazy: async () => {
                    const { drillTrendsLoader, DrillTrendsRoute } = await import("./routes/drill-trends");
                    return { loader: drillTrendsLoader(queryClient), Component: DrillTrendsRoute };
                  },
                },
                {
                  path: "drills/:drillId",
                  lazy: async () => {
                    const { drillLoader, DrillRoute } = await import("./routes/drill");
                    return { loader: drillLoader(queryClient), Component: DrillRoute };
                  },
                },
                {
                  path: "drills/:drillId/report",
                  lazy: async () => {
                    const { drillReportLoader, DrillReportRoute } = await import("./routes/drill-report");
                    return { loader: drillReportLoader(queryClient), Component: DrillReportRoute };
                  },
                },
                // The larger screens load on first use (code is fetched in parallel with the data).
                {
                  path: "audit",
                  lazy: async () => {
                    const { auditLoader, AuditRoute } = await import("./routes/audit");
                    return { loader: auditLoader(queryClient), Component: AuditRoute };
                  },
                },
                {
                  path: "admin",
                  lazy: async () => {
                    const { adminIndexLoader, AdminIndexRoute } = await import("./routes/admin-users");
                    return { loader: adminIndexLoader(queryClient), Component: AdminIndexRoute };
                  },
                },
                {
                  path: "admin/users",
                  lazy: async () => {
                    const { adminUsersLoader, AdminUsersRoute } = await import("./routes/admin-users");
                    return { loader: adminUsersLoader(queryClient), Component: AdminUsersRoute };
                  },
                },
                { path: "*", Component: NotFoundRoute },
              ],
            },
          ],
        },
      ],
    },
  ];
}

export function createRouter(queryClient: QueryClient) {
  return createBrowserRouter(createRoutes(queryClient));
}
