import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { AppProviders } from "../src/app-providers";
import { createQueryClient } from "../src/query-client";
import { createRoutes } from "../src/router";

/** Renders the whole console (real routes, loaders and providers) at a URL, over a mocked fetch. */
export function renderApp(url: string) {
  const queryClient = createQueryClient();
  // The app retries failed reads after a delay; tests want the failure at once.
  queryClient.setDefaultOptions({
    ...queryClient.getDefaultOptions(),
    queries: { ...queryClient.getDefaultOptions().queries, retry: false },
  });
  const router = createMemoryRouter(createRoutes(queryClient), { initialEntries: [url] });
  const user = userEvent.setup();
  const view = render(
    <AppProviders queryClient={queryClient} mantineEnv="test">
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, router, queryClient, user };
}
