import { expect, type Page, test } from "@playwright/test";
import { createApiRollout, oneStepCanary, openRollout, signedInPage } from "./fixtures";

/** The text of every websocket frame the page sends and receives (socket.io packets). */
function recordFrames(page: Page) {
  const frames = { sent: [] as string[], received: [] as string[] };
  page.on("websocket", (ws) => {
    ws.on("framesent", (frame) => frames.sent.push(String(frame.payload)));
    ws.on("framereceived", (frame) => frames.received.push(String(frame.payload)));
  });
  return frames;
}

test("a command made while the watcher was offline shows after reconnecting, without a reload", async ({
  browser,
}) => {
  test.setTimeout(180_000); // two browsers and a reconnect back-off, on a loaded machine
  await createApiRollout(browser, "e2e-reconnect", oneStepCanary(10), { start: true });
  const { context: watcherContext, page: watcher } = await signedInPage(browser, "viewer");
  const { context: managerContext, page: manager } = await signedInPage(browser, "release-manager");
  const frames = recordFrames(watcher);
  await openRollout(watcher, "e2e-reconnect");
  await openRollout(manager, "e2e-reconnect");
  await expect(watcher.getByTestId("connection")).toHaveText("live");
  await expect(watcher.getByTestId("rollout-state")).toContainText("running");
  // An accessible live region in the header, empty while connected.
  const status = watcher.getByRole("status").and(watcher.getByTestId("connection-status"));
  await expect(status).toHaveText("");

  await watcherContext.setOffline(true);
  await expect(status).toHaveText("Reconnecting…");
  await expect(status).toBeVisible();
  await watcher.screenshot({ path: "test-results/e2e/reconnecting.png" });

  // Meanwhile, in another browser: the release manager pauses the rollout.
  await manager.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(manager.getByTestId("rollout-state")).toHaveText("paused");
  await expect(watcher.getByTestId("rollout-state")).toContainText("running"); // still offline

  await watcherContext.setOffline(false);
  await expect(status).toHaveText("", { timeout: 20_000 });
  await expect(watcher.getByTestId("rollout-state")).toHaveText("paused");
  await expect(watcher.getByTestId("history")).toContainText("rollout.paused by release_manager");
  // It came back through the resume request: the reply carried the missed event.
  expect(frames.sent.some((f) => f.includes('"resume"'))).toBe(true);
  await expect
    .poll(() => frames.received.some((f) => f.includes('"rollout.changed"') && f.includes('"paused"')))
    .toBe(true);
  await watcher.screenshot({ path: "test-results/e2e/reconnected.png", fullPage: true });

  // Live again: the resume shows at once.
  await manager.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(watcher.getByTestId("rollout-state")).toContainText("running");
  await watcherContext.close();
  await managerContext.close();
});
