import { expect, test } from "@playwright/test";
import { signedInPage, signIn } from "./fixtures";

test("an admin sees every SLO's budget and burn rates, defines one, and is told which field is wrong", async ({
  browser,
}) => {
  const { context, page } = await signedInPage(browser, "admin");
  await page.goto("/rollouts");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "SLOs" }).click();
  // The demo's own SLO, judged on the simulator's traffic: a budget, and the four rules' burn rates.
  const seeded = page.getByTestId("slo-search-production-availability");
  await expect(seeded).toContainText("99% of requests without error over 30d");
  await expect(seeded.getByRole("listitem")).toHaveCount(4);
  await expect(seeded).toContainText("page 1h/5m");

  const form = page.getByRole("form", { name: "Define an SLO" });
  await form.getByLabel("Service").fill("search");
  await form.getByLabel("Name").fill("availability-90");
  await form.getByLabel("Objective (%)").fill("90");
  // An environment search was never released to would judge nothing and read healthy for ever.
  await form.getByLabel("Environment").fill("prodution");
  await form.getByRole("button", { name: "Save SLO" }).click();
  await expect(form.getByRole("alert")).toContainText("environment: search has no release in prodution");
  await expect(page.getByTestId("slo-search-prodution-availability-90")).toHaveCount(0);

  await form.getByLabel("Environment").fill("production");
  await form.getByRole("button", { name: "Save SLO" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved availability-90.");
  await expect(page.getByTestId("slo-search-production-availability-90")).toContainText(
    "90% of requests without error over 30d",
  );
  await page.screenshot({ path: "test-results/e2e/slos.png", fullPage: true });
  await context.close();

  // Everyone reads them, on a phone too; only an admin defines them.
  const viewer = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await signIn(viewer, "viewer");
  const phone = await viewer.newPage();
  await phone.goto("/slos");
  await expect(phone.getByTestId("slo-search-production-availability-90")).toBeVisible();
  await expect(phone.getByText("Admins define SLOs.")).toBeVisible();
  await expect(phone.getByRole("form", { name: "Define an SLO" })).toHaveCount(0);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.screenshot({ path: "test-results/e2e/slos-phone.png", fullPage: true });
  await viewer.close();
});
