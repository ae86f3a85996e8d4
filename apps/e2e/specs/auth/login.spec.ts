import { DEMO_PASSWORD, ROLES, SessionSchema, demoUsernames, roleLabels } from "@firebreak/domain";
import { expect, test } from "../../fixtures/index.js";

test.describe("signing in through the login form", () => {
  for (const role of ROLES) {
    test(`${demoUsernames[role]} signs in and sees the app shell with name and role`, async ({
      page,
      saveScreenshot,
    }) => {
      await page.goto("/login");
      await expect(page.getByRole("heading", { name: "Sign in to Firebreak" })).toBeVisible();
      if (role === "ADMIN") await saveScreenshot("login");

      await page.getByRole("textbox", { name: "Username" }).fill(demoUsernames[role]);
      await page.getByRole("textbox", { name: "Password" }).fill(DEMO_PASSWORD);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/auth/login") && r.request().method() === "POST"),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      expect(response.status()).toBe(200);
      const { user } = SessionSchema.parse(await response.json());

      await expect(page).toHaveURL("/");
      const header = page.getByRole("banner");
      await expect(header.getByText(user.displayName)).toBeVisible();
      await expect(header.getByText(roleLabels[role], { exact: true })).toBeVisible();
      await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
      if (role === "ADMIN") await saveScreenshot("shell");
    });
  }

  test("a wrong password is refused with a clear message", async ({ page, saveScreenshot }) => {
    await page.goto("/login");
    await page.getByRole("textbox", { name: "Username" }).fill(demoUsernames.MANAGER);
    await page.getByRole("textbox", { name: "Password" }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();

    const alert = page.getByRole("alert").filter({ hasText: "Could not sign in" });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(/username or password/i);
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("textbox", { name: "Password" })).toHaveValue("");
    await saveScreenshot("login-failed");
  });

  test("a page that needs a session sends a visitor to the login page", async ({ page }) => {
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/login\?next=%2Faudit$/);
    await expect(page.getByRole("heading", { name: "Sign in to Firebreak" })).toBeVisible();
  });
});
