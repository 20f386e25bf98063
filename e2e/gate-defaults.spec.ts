import { expect, test } from "@playwright/test";
import { signedInPage } from "./fixtures";

test("an admin edits the global gate defaults; a bad value is refused naming its field", async ({
  browser,
}) => {
  const { context, page } = await signedInPage(browser, "admin");
  await page.goto("/admin/gates");
  await expect(page.getByTestId("gate-source")).toHaveText("Nothing stored: the built-in defaults apply");

  const minSample = page.getByLabel("Gate 1 minimum sample");
  await minSample.fill("0");
  await page.getByRole("button", { name: "Save gates" }).click();
  await expect(page.locator("p[role=alert]")).toHaveText("gates[0].minSamples: must be at least 1");

  await minSample.fill("120");
  await page.getByRole("button", { name: "Save gates" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByTestId("gate-source")).toContainText("Stored globally, last changed by");
  await page.reload();
  await expect(page.getByLabel("Gate 1 minimum sample")).toHaveValue("120");

  // Someone without the admin role sees the defaults but cannot change them.
  const viewer = await signedInPage(browser, "viewer");
  await viewer.page.goto("/admin/gates");
  await expect(viewer.page.getByLabel("Gate 1 minimum sample")).toHaveValue("120");
  await expect(viewer.page.getByLabel("Gate 1 minimum sample")).toBeDisabled();
  await expect(viewer.page.getByRole("button", { name: "Save gates" })).toHaveCount(0);
  await viewer.context.close();

  // Back to the built-in defaults, so journeys that create rollouts get the usual gates.
  await page.getByRole("button", { name: "Reset to built-in defaults" }).click();
  await page.getByRole("button", { name: "Discard the stored defaults" }).click();
  await expect(page.getByTestId("gate-source")).toHaveText("Nothing stored: the built-in defaults apply");
  await expect(page.getByLabel("Gate 1 minimum sample")).toHaveValue("50");
  await context.close();
});
