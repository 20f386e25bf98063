import { expect, test } from "@playwright/test";
import { E2E_PASSWORD } from "../playwright.config";
import {
  createApiRollout,
  emailOf,
  oneStepCanary,
  openRollout,
  pointsIn,
  signedInPage,
  signIn,
} from "./fixtures";

const LIVE = "e2e-live";

test.beforeAll(async ({ browser }) => {
  await createApiRollout(browser, LIVE, oneStepCanary(20), { start: true });
});

test("signing in through the form lands on the rollout list", async ({ page }) => {
  await page.goto("/rollouts");
  await page.waitForURL(/\/signin/);
  await page.getByLabel("Email").fill(emailOf("viewer"));
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/rollouts$/);
  await expect(page.getByTestId("rollout-row-checkout-api")).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("viewer");
});

test("a rollout's charts receive live points for both cohorts", async ({ context, page }) => {
  await signIn(context, "viewer");
  await openRollout(page, LIVE);
  await expect(page.getByTestId("connection")).toHaveText("live");
  const before = await pointsIn(page, "errorRate");
  // The simulator writes an interval every second in this run; no reload happens below.
  await expect.poll(() => pointsIn(page, "errorRate"), { timeout: 10_000 }).toBeGreaterThan(before + 1);
  // Baseline, canary, the gate's margin line and the series carrying the verdict markers.
  await expect(page.getByTestId("chart-p99").locator(".recharts-line")).toHaveCount(4);
  await page.screenshot({ path: "test-results/e2e/live-rollout.png", fullPage: true });
});

// How fast it shows is measured by `npm run bench:ui` (event → screen), not asserted here.
test("a pause shows in another open browser without a reload, and in the history", async ({ browser }) => {
  const { context: operatorContext, page: operator } = await signedInPage(browser, "operator");
  const { context: viewerContext, page: viewer } = await signedInPage(browser, "viewer");
  await openRollout(operator, LIVE);
  await openRollout(viewer, LIVE);
  await expect(viewer.getByTestId("connection")).toHaveText("live");
  await expect(viewer.getByTestId("rollout-state")).toContainText("running");

  // A viewer sees the button, disabled, with the reason.
  await expect(viewer.getByRole("button", { name: "Pause" })).toBeDisabled();
  await expect(viewer.getByText("Your role may not pause rollouts")).toBeVisible();

  await operator.getByRole("button", { name: "Pause" }).click();
  await expect(operator.getByTestId("rollout-state")).toHaveText("paused");
  await expect(viewer.getByTestId("rollout-state")).toHaveText("paused");
  await expect(viewer.getByTestId("history")).toContainText("rollout.paused by operator:operator");
  await viewer.screenshot({ path: "test-results/e2e/paused-in-second-browser.png", fullPage: true });
  await operatorContext.close();
  await viewerContext.close();
});
