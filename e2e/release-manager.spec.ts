import { expect, test } from "@playwright/test";
import { openRollout, signedInPage } from "./fixtures";

test("a release manager is refused a start during an incident, and starts once it is resolved", async ({
  browser,
}) => {
  const { context: operatorContext, page: operator } = await signedInPage(browser, "operator");
  const { context: managerContext, page: manager } = await signedInPage(browser, "release-manager");

  await openRollout(manager, "profile");
  await expect(manager.getByTestId("rollout-state")).toHaveText("draft");
  await expect(manager.getByRole("button", { name: "Start", exact: true })).toBeEnabled();

  // On-call declares an incident for every service.
  await operator.goto("/incidents");
  await operator.getByLabel("What is happening").fill("checkout latency incident");
  await operator.getByRole("button", { name: "Declare incident" }).click();
  await expect(operator.getByRole("cell", { name: "checkout latency incident" })).toBeVisible();

  // The release manager's page learns of it live: banner, and Start disabled with the incident named.
  await expect(manager.getByTestId("freeze-banner")).toContainText("checkout latency incident");
  await expect(manager.getByRole("button", { name: "Start", exact: true })).toBeDisabled();
  await expect(manager.getByText(/Start: .*checkout latency incident/)).toBeVisible();
  await expect(manager.getByRole("button", { name: "Pause", exact: true })).toBeEnabled(); // pause is never frozen
  await manager.screenshot({ path: "test-results/e2e/release-manager-frozen.png", fullPage: true });

  const latencyIncident = operator.getByRole("row", { name: /checkout latency incident/ });
  await latencyIncident.getByRole("button", { name: "Resolve", exact: true }).click();
  await latencyIncident.getByRole("button", { name: "Resolve and lift its freeze" }).click();
  await expect(manager.getByTestId("freeze-banner")).toHaveCount(0);
  await manager.getByRole("button", { name: "Start", exact: true }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("running · holding");
  await expect(manager.getByTestId("history")).toContainText(
    "rollout.started by release_manager:release manager",
  );
  await operatorContext.close();
  await managerContext.close();
});

test("a release manager breaks glass during an incident with a written reason, audited on the rollout", async ({
  browser,
}) => {
  const { context: operatorContext, page: operator } = await signedInPage(browser, "operator");
  const { context: managerContext, page: manager } = await signedInPage(browser, "release-manager");

  await openRollout(manager, "profile");
  await manager.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("paused");

  await operator.goto("/incidents");
  await operator.getByLabel("What is happening").fill("database failover");
  await operator.getByRole("button", { name: "Declare incident" }).click();
  await expect(manager.getByRole("button", { name: "Resume", exact: true })).toBeDisabled();

  await manager.getByRole("button", { name: "Break glass: resume despite the freeze" }).click();
  await manager
    .getByLabel(/Why must "resume" go ahead during the freeze/)
    .fill("hotfix for the failover itself");
  await manager.getByRole("button", { name: "Break glass: resume" }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("running · holding");
  await expect(manager.getByTestId("history")).toContainText(
    "rollout.freeze-overridden by release_manager:release manager — hotfix for the failover itself",
  );

  const failover = operator.getByRole("row", { name: /database failover/ });
  await failover.getByRole("button", { name: "Resolve", exact: true }).click();
  await failover.getByRole("button", { name: "Resolve and lift its freeze" }).click();
  await expect(manager.getByTestId("freeze-banner")).toHaveCount(0);
  await operatorContext.close();
  await managerContext.close();
});
