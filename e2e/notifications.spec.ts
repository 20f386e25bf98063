import { expect, test } from "@playwright/test";
import { startWebhookReceiver } from "../server/testing/webhook-receiver";
import { registerApiDeploy, signedInPage } from "./fixtures";

// A service no rollout belongs to: the incident this journey declares freezes nothing another spec uses.
const SERVICE = "notifications-e2e";

test("an admin adds a webhook channel; a declared incident reaches it and shows in the delivery log", async ({
  browser,
  baseURL,
}) => {
  const receiver = await startWebhookReceiver();
  const admin = await signedInPage(browser, "admin");
  const operator = await signedInPage(browser, "operator");
  try {
    const page = admin.page;
    await page.goto("/rollouts");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
    const form = page.getByRole("form", { name: "Add a channel" });
    await form.getByLabel("Name").fill("e2e receiver");
    await form.getByLabel("Webhook URL").fill("ftp://files.example/hook");
    for (const kind of ["auto-rollback", "kill", "approval-needed", "step-completed"]) {
      await form.getByLabel(kind).uncheck();
    }
    await form.getByLabel(/Signing secret/).fill("an-e2e-signing-secret");
    await form.getByRole("button", { name: "Add channel" }).click();
    await expect(form.getByRole("alert")).toHaveText(
      "url: must be an http:// or https:// URL without user:password",
    );

    await form.getByLabel("Webhook URL").fill(receiver.url);
    await form.getByRole("button", { name: "Add channel" }).click();
    const row = page.getByTestId("channels").getByRole("row", { name: /e2e receiver/ });
    await expect(row).toContainText("generic (signed)");
    await expect(row).toContainText(`${new URL(receiver.url).origin}/…`);
    await expect(row).toContainText("freeze");
    await expect(page.getByTestId("channels")).not.toContainText("an-e2e-signing-secret");

    await operator.page.goto("/incidents");
    const declare = operator.page.getByRole("form", { name: "Declare an incident" });
    await declare.getByLabel("What is happening").fill("notification journey check");
    // Sluice does not know the service yet: a person's declaration must not freeze nothing in silence.
    await declare.getByLabel(/Services/).fill(SERVICE);
    await declare.getByRole("button", { name: "Declare incident" }).click();
    await expect(declare.getByRole("alert")).toContainText(`services[0]: no service named ${SERVICE}`);
    await registerApiDeploy(browser, SERVICE);
    await declare.getByRole("button", { name: "Declare incident" }).click();

    const [delivered] = await receiver.waitFor(1);
    expect(delivered?.headers["x-sluice-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(delivered?.body).toMatchObject({
      kind: "freeze",
      title: "Delivery frozen: incident declared",
      why: "notification journey check",
      link: `${baseURL}/incidents`,
    });
    const log = page
      .getByTestId("delivery-log")
      .getByRole("row", { name: /freeze Delivery frozen/ })
      .first();
    await expect(log).toContainText("delivered", { timeout: 15_000 });
    await expect(log).toContainText("HTTP 200");
    await page.screenshot({ path: "test-results/e2e/notifications.png", fullPage: true });
  } finally {
    // Leave the shared server as it was for the other journeys.
    await operator.page.goto("/incidents");
    const incident = operator.page.getByRole("row", { name: /notification journey check/ });
    // The list loads after the page: wait for the row before asking whether it is still active.
    if (
      await incident
        .first()
        .waitFor({ timeout: 10_000 })
        .then(
          () => true,
          () => false,
        )
    ) {
      const resolve = incident.getByRole("button", { name: "Resolve", exact: true });
      if (await resolve.count()) {
        await resolve.click();
        await incident.getByRole("button", { name: "Resolve and lift its freeze" }).click();
      }
      await expect(resolve).toHaveCount(0);
    }
    await admin.page.goto("/notifications");
    const channel = admin.page.getByTestId("channels").getByRole("row", { name: /e2e receiver/ });
    if (await channel.count()) {
      await channel.getByRole("button", { name: "Delete", exact: true }).click();
      await channel.getByRole("button", { name: "Delete with its log" }).click();
      await expect(channel).toHaveCount(0);
    }
    await admin.context.close();
    await operator.context.close();
    await receiver.close();
  }
});
