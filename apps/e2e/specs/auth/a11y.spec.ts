import { expect, test } from "../../fixtures/index.js";

test.describe("accessibility (axe, WCAG 2.2 AA)", () => {
  test("the login page has no serious or critical violations", async ({ page, checkA11y }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Sign in to Firebreak" })).toBeVisible();
    await checkA11y();
  });

  test("the app shell has no serious or critical violations", async ({ page, loginAs, checkA11y }) => {
    const session = await loginAs("ADMIN");
    await page.goto("/");
    await expect(page.getByRole("banner").getByText(session.user.displayName)).toBeVisible();
    await checkA11y();
  });
});
