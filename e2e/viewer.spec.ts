import { expect, test } from "@playwright/test";
import { openRollout, signIn } from "./fixtures";

test("a viewer on a phone in dark mode watches every rollout and cannot act", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  await signIn(context, "viewer");
  const page = await context.newPage();

  await page.goto("/rollouts");
  await expect(page.getByTestId("rollout-row-search")).toBeVisible();
  await expect(page.getByTestId("connection")).toHaveText("live");
  // No kill switch for a viewer, and the page fits the phone's width (wide tables scroll inside it).
  await expect(page.getByRole("button", { name: /Kill/ })).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // Dark mode follows the system setting.
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
  expect(r + g + b).toBeLessThan(3 * 128);
  // Keyboard: the main navigation is reachable without a pointer.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rollouts" }),
  ).toBeFocused();
  await page.screenshot({ path: "test-results/e2e/viewer-phone-overview.png", fullPage: true });

  await openRollout(page, "search");
  await expect(page.getByTestId("rollout-state")).not.toHaveText("");
  for (const name of ["Advance", "Approve step", "Kill (roll back)"]) {
    await expect(page.getByRole("button", { name, exact: true })).toBeDisabled();
  }
  await expect(page.getByText(/Kill \(roll back\): Your role may not/)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/e2e/viewer-phone-rollout.png", fullPage: true });
  await context.close();
});
