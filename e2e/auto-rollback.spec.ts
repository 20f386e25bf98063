import { expect, test } from "@playwright/test";
import { openRollout, signIn } from "./fixtures";

test("a simulated canary regression is rolled back by the gates with no human action", async ({
  browser,
}) => {
  const operatorContext = await browser.newContext();
  await signIn(operatorContext, "operator");
  const page = await operatorContext.newPage();
  await openRollout(page, "checkout-api");
  await expect(page.getByTestId("connection")).toHaveText("live");
  await expect(page.getByTestId("rollout-state")).toContainText("running");

  await page.getByRole("button", { name: "Simulate a canary regression" }).click();
  // Nobody touches anything from here: the evaluator must notice and roll back on its own.
  await expect(page.getByTestId("rollout-state")).toHaveText("rolled back", { timeout: 45_000 });
  await expect(page.getByTestId("rollout-exposure")).toHaveText("1%");
  const rollback = page.getByTestId("history").getByText(/rollout\.rolled-back by system:evaluator/);
  await expect(rollback).toBeVisible();
  await expect(page.getByTestId("history")).toContainText(
    /failed at steps\[1\] \(5%\): critical gate failed: .*canary/,
  );
  await page.screenshot({ path: "test-results/e2e/auto-rollback.png", fullPage: true });
  await operatorContext.close();
});
