import { expect, test } from "../../fixtures/index.js";

test.describe("pages a role may not use", () => {
  test("an observer who opens user administration sees the 403 page", async ({ page, loginAs, saveScreenshot }) => {
    await loginAs("OBSERVER");
    await page.goto("/admin/users");
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    await expect(page.getByRole("main").getByRole("link", { name: "Go to the overview" })).toBeVisible();
    // The shell stays: the observer is still signed in, only this page is refused.
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await saveScreenshot("403");
  });

  test("the API refuses the same request with 403", async ({ page, loginAs }) => {
    await loginAs("OBSERVER");
    const response = await page.request.get("/api/users");
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
  });

  test("an unknown address shows the 404 page", async ({ page, loginAs, saveScreenshot }) => {
    await loginAs("ERT_MEMBER");
    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await saveScreenshot("404");
  });
});
