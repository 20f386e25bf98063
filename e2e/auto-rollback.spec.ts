import { expect, test } from "@playwright/test";
import { createApiRollout, oneStepCanary, openRollout, signIn } from "./fixtures";

test("on-call watches a regression rolled back by the gates with no human action, then kills another rollout with a reason", async ({
  browser,
}) => {
  const operatorContext = await browser.newContext();
  await signIn(operatorContext, "operator");
  const page = await operatorContext.newPage();
  // A canary of its own: the demo's stay running for the journeys that draw them.
  await createApiRollout(browser, "e2e-regression", oneStepCanary(10, { productGates: true }), {
    start: true,
  });
  await openRollout(page, "e2e-regression");
  await expect(page.getByTestId("connection")).toHaveText("live");
  await expect(page.getByTestId("rollout-state")).toContainText("running");

  await page.getByRole("button", { name: "Simulate a canary regression" }).click();
  // Nobody touches anything from here: the evaluator must notice and roll back on its own.
  await expect(page.getByTestId("rollout-state")).toHaveText("rolled back", { timeout: 45_000 });
  await expect(page.getByTestId("rollout-exposure")).toHaveText("0%");
  const rollback = page.getByTestId("history").getByText(/rollout\.rolled-back by system:evaluator/);
  await expect(rollback).toBeVisible();
  await expect(page.getByTestId("history")).toContainText(
    /failed at step 1 \(10%\): critical gate failed: .*canary/,
  );
  await page.screenshot({ path: "test-results/e2e/auto-rollback.png", fullPage: true });

  // Another rollout looks wrong to the on-call engineer: one kill, with the reason, back to last-known-good.
  await createApiRollout(browser, "e2e-oncall", oneStepCanary(10), { start: true });
  await openRollout(page, "e2e-oncall");
  await expect(page.getByTestId("rollout-state")).toContainText("running");
  await page.getByRole("button", { name: "Kill (roll back)" }).click();
  await page
    .getByLabel("Why roll back? (recorded in the audit history)")
    .fill("customer reports of double charges");
  await page.getByRole("button", { name: "Confirm kill (roll back)" }).click();
  await expect(page.getByTestId("rollout-state")).toHaveText("rolled back");
  await expect(page.getByTestId("history")).toContainText(
    /rollout\.rolled-back by operator:operator — .*customer reports of double charges/,
  );
  await page.screenshot({ path: "test-results/e2e/on-call-kill.png", fullPage: true });

  // The overview's "ended lately" table says who ended each one and why, without opening either.
  await page.goto("/rollouts");
  const ended = page.getByRole("table", { name: "Rollouts that ended lately" });
  await expect(ended.getByTestId("rollout-row-e2e-regression").getByTestId("ended-by")).toContainText(
    /system:evaluator.*critical gate failed/,
  );
  await expect(ended.getByTestId("rollout-row-e2e-oncall").getByTestId("ended-by")).toContainText(
    /operator:operator.*customer reports of double charges/,
  );
  await page.screenshot({ path: "test-results/e2e/ended-lately.png", fullPage: true });
  await operatorContext.close();
});
