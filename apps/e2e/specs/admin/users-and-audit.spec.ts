import { expect, test } from "../../fixtures/index.js";

test.describe("user administration and the audit trail", () => {
  test("an administrator creates a user, changes the role, and the change shows in the audit log", async ({
    page,
    loginAs,
    saveScreenshot,
    checkA11y,
  }) => {
    await loginAs("ADMIN");
    const username = `pat-${Date.now().toString(36)}`;

    await page.goto("/admin/users");
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
    await page.getByRole("button", { name: "Create user" }).click();
    const create = page.getByRole("form", { name: "Create user" });
    await create.getByLabel(/^Username/).fill(username);
    await create.getByLabel(/^Display name/).fill("Pat Patcher");
    await create.getByRole("combobox", { name: "Role" }).click();
    await page.getByRole("option", { name: /SMS administrator/ }).click();
    await create.getByLabel(/^Initial password/).fill("a long enough password");
    await create.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByRole("row", { name: new RegExp(username) })).toContainText("SMS administrator");
    await saveScreenshot("admin-users");
    await checkA11y();

    await page.getByRole("button", { name: `Edit ${username}` }).click();
    const edit = page.getByRole("form", { name: `Edit ${username}` });
    await edit.getByRole("combobox", { name: "Role" }).click();
    await page.getByRole("option", { name: /ERT lead/ }).click();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("row", { name: new RegExp(username) })).toContainText("ERT lead");

    // The audit log shows both changes, filtered to this user.
    await page.goto(`/audit?entityType=user&action=user.update`);
    const entries = page.getByRole("region", { name: "Audit entries" });
    await expect(entries.getByRole("button", { name: /user\.update by admin/ }).first()).toBeVisible();
    await entries
      .getByRole("button", { name: /user\.update by admin/ })
      .first()
      .click();
    const details = page.getByRole("dialog");
    await expect(details).toContainText("SMS_ADMIN");
    await expect(details).toContainText("ERT_LEAD");
    await page.waitForTimeout(400); // let the drawer finish sliding in before the picture
    await saveScreenshot("audit-entry");
  });

  test("a manager filters the audit log and verifies the hash chain", async ({
    page,
    loginAs,
    saveScreenshot,
    checkA11y,
  }) => {
    await loginAs("MANAGER");
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByText("Chain intact")).toBeVisible();

    await page.goto("/audit?action=auth.login");
    const entries = page.getByRole("region", { name: "Audit entries" });
    await expect(entries.getByRole("button", { name: /auth\.login by manager/ }).first()).toBeVisible();
    await expect(entries.getByRole("button", { name: /user\.create/ })).toHaveCount(0);
    await saveScreenshot("audit");
    await checkA11y();
  });
});
