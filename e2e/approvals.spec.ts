import { expect, test } from "@playwright/test";
import { createApiRollout, openRollout, signedInPage } from "./fixtures";

const SERVICE = "e2e-approvals";

test("a release manager approves a step, is refused the next approval during an incident, and gives it once resolved", async ({
  browser,
}) => {
  // Two holds, an incident and the engine's beats: longer than one page's journey.
  test.setTimeout(150_000);
  const { context: operatorContext, page: operator } = await signedInPage(browser, "operator");
  const { context: managerContext, page: manager } = await signedInPage(browser, "release-manager");

  // A pipeline registers the deploy and a two-step plan, each step approved by a human.
  const errorRate = {
    name: "error rate",
    metric: "error-rate",
    badDirection: "higher",
    minRelativeChange: 0.5,
    minAbsoluteChange: 0.005,
    minSamples: 500,
    critical: true,
  };
  const step = (exposurePercent: number) => ({
    exposurePercent,
    holdSeconds: 6,
    requiresApproval: true,
    gates: [errorRate],
  });
  await createApiRollout(browser, SERVICE, { mechanism: "canary", steps: [step(50), step(100)] });

  await openRollout(manager, SERVICE);
  await manager.getByRole("button", { name: "Start", exact: true }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("running · awaiting approval");
  await manager.getByRole("button", { name: "Approve step", exact: true }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("running · holding");
  await expect(manager.getByTestId("rollout-exposure")).toHaveText("50%");

  // The step bakes, passes its gates, and the engine moves to the next step, which waits for a human.
  await expect(manager.getByTestId("rollout-state")).toHaveText(/awaiting approval|paused/, {
    timeout: 60_000,
  });
  // Paused would mean the gates could not decide: the verdicts are then the useful failure message.
  const verdicts = (await manager.getByTestId("verdicts").textContent())?.slice(0, 3_000);
  expect(await manager.getByTestId("rollout-state").textContent(), verdicts).toBe(
    "running · awaiting approval",
  );
  await expect(manager.getByTestId("rollout-exposure")).toHaveText("50%");

  // On-call declares an incident: the approval is refused, with the incident named, until it is resolved.
  await operator.goto("/incidents");
  await operator.getByLabel("What is happening").fill("queue backlog");
  await operator.getByLabel("Services (comma-separated, or *)").fill(SERVICE);
  await operator.getByRole("button", { name: "Declare incident" }).click();
  await expect(manager.getByTestId("freeze-banner")).toContainText("queue backlog");
  await expect(manager.getByRole("button", { name: "Approve step", exact: true })).toBeDisabled();
  await expect(manager.getByText(/Approve step: .*queue backlog/)).toBeVisible();
  await manager.screenshot({ path: "test-results/e2e/approvals-frozen.png", fullPage: true });

  const incident = operator.getByRole("row", { name: /queue backlog/ });
  await incident.getByRole("button", { name: "Resolve", exact: true }).click();
  await incident.getByRole("button", { name: "Resolve and lift its freeze" }).click();
  await expect(manager.getByTestId("freeze-banner")).toHaveCount(0);
  await manager.getByRole("button", { name: "Approve step", exact: true }).click();
  await expect(manager.getByTestId("rollout-exposure")).toHaveText("100%");
  await expect(manager.getByTestId("history")).toContainText(
    "rollout.approved by release_manager:release manager",
  );
  await manager.screenshot({ path: "test-results/e2e/approvals-approved.png", fullPage: true });

  // The incident page keeps the freeze's history.
  await expect(operator.getByTestId("freeze-history")).toContainText(`incident freeze ended — ${SERVICE}`);
  await expect(operator.getByTestId("freeze-history")).toContainText(
    `incident freeze started — ${SERVICE}: queue backlog`,
  );
  for (const context of [operatorContext, managerContext]) await context.close();
});
