import { expect, test } from "@playwright/test";
import { signedInPage } from "./fixtures";

test("an admin creates a token shown once, sees it used, revokes it, and changes a role", async ({
  browser,
}) => {
  const { context, page } = await signedInPage(browser, "admin");
  await page.goto("/rollouts");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tokens" }).click();
  await page.getByLabel("Name").fill("e2e pipeline token");
  await page.getByRole("checkbox", { name: "read" }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").locator("code").textContent()) ?? "";
  expect(secret).toMatch(/^slc_/);
  const row = page.getByTestId("token-e2e pipeline token");
  await expect(row).toContainText("never");

  const read = () =>
    context.request.get("/api/v1/rollouts", { headers: { authorization: `Bearer ${secret}` } });
  expect((await read()).status()).toBe(200);
  await page.reload();
  await expect(row).not.toContainText("never");
  await expect(page.getByTestId("new-token")).toHaveCount(0); // shown once: gone after a reload
  await page.screenshot({ path: "test-results/e2e/admin-tokens.png", fullPage: true });

  await row.getByRole("button", { name: "Revoke e2e pipeline token" }).click();
  await row.getByRole("button", { name: "Revoke for good" }).click();
  await expect(row).toContainText("revoked");
  expect((await read()).status()).toBe(401);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  // Choosing a role changes nothing until Save; an admin's own role is not offered.
  await expect(page.getByLabel("Role of admin@sluice.local")).toBeDisabled();
  const saveRole = async (role: string) => {
    await page.getByLabel("Role of auditor@sluice.local").selectOption(role);
    const saved = page.waitForResponse((response) => response.url().includes("admin.setRole"));
    await page
      .getByRole("row", { name: /auditor@sluice\.local/ })
      .getByRole("button", { name: "Save" })
      .click();
    expect((await saved).ok()).toBe(true);
  };
  await saveRole("viewer");
  await page.goto("/audit");
  await expect(page.getByText("user.role-changed").first()).toBeVisible();
  await page.goto("/admin/users");
  await expect(page.getByLabel("Role of auditor@sluice.local")).toHaveValue("viewer");
  // Back as it was: the auditor journeys share this server.
  await saveRole("auditor");
  await page.reload();
  await expect(page.getByLabel("Role of auditor@sluice.local")).toHaveValue("auditor");
  await context.close();
});
