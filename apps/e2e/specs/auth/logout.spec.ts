import { expect, test } from "../../fixtures/index.js";

test("signing out lands on the login page and ends the session", async ({
  page,
  context,
  playwright,
  baseURL,
  loginAs,
}) => {
  const session = await loginAs("ERT_MEMBER");
  await page.goto("/");
  await expect(page.getByRole("banner").getByText(session.user.displayName)).toBeVisible();
  const cookiesBefore = await context.cookies();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in to Firebreak" })).toBeVisible();

  // The old cookie, replayed from elsewhere, no longer opens a session.
  const replay = await playwright.request.newContext({
    baseURL,
    storageState: { cookies: cookiesBefore, origins: [] },
  });
  try {
    const response = await replay.get("/api/auth/session");
    expect(response.status()).toBe(401);
  } finally {
    await replay.dispose();
  }

  // And the console does not let the browser back in either.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
