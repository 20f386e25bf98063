import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, "utf8") };
}

test("an auditor filters the history, sees it verified and exports it, on a 390px screen", async ({
  context,
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(context, "auditor");
  await page.goto("/rollouts");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
  await page.waitForURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit history" })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText(/✓ Chain intact, \d+ events/);
  await expect(page.getByTestId("audit-event").first()).toBeVisible();

  await page.getByLabel("Service").fill("checkout-api");
  await page.getByLabel("Action (or prefix)").fill("rollout.");
  await page.getByLabel("Action (or prefix)").press("Enter");
  const actions = page.getByTestId("audit-action");
  await expect(actions.first()).toBeVisible();
  await expect
    .poll(async () => (await actions.allTextContents()).every((a) => a.startsWith("rollout.")))
    .toBe(true);
  await expect(page.getByTestId("audit-events")).toContainText("rollout.created");
  // A rollout is named as people know it, and links to its page.
  const rolloutLink = page
    .getByTestId("audit-target")
    .first()
    .getByRole("link", { name: /^checkout-api \S+ in production$/ });
  await expect(rolloutLink).toBeVisible();
  await expect(rolloutLink).toHaveAttribute("href", /^\/rollouts\/[^/]+$/);

  // Before/after opens from the keyboard.
  const summary = page.getByText("Before / after").first();
  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("details[open]").first()).toContainText("After");

  const csv = await download(page, "Export CSV");
  expect(csv.name).toMatch(/^sluice-audit-.+\.csv$/);
  const lines = csv.text.split("\r\n");
  expect(lines[1]).toMatch(/^# chain: intact, \d+ events verified, head #\d+ [0-9a-f]{64}$/);
  const header = lines.findIndex((l) => l.startsWith("id,"));
  expect(lines[header]).toBe("id,at,actor,action,targetType,targetId,reason,before,after,prevHash,hash");
  expect(lines.slice(header + 1).filter(Boolean).length).toBeGreaterThan(0);
  expect(csv.text).toContain(",rollout.created,rollout,");

  const json = JSON.parse((await download(page, "Export JSON")).text) as {
    chain: { ok: boolean };
    filter: { service: string };
    range: { contentIntact: boolean };
    events: { action: string; hash: string }[];
  };
  expect(json.chain.ok).toBe(true);
  expect(json.filter.service).toBe("checkout-api");
  expect(json.range.contentIntact).toBe(true);
  expect(json.events.length).toBeGreaterThan(0);
  expect(json.events.every((e) => e.action.startsWith("rollout.") && /^[0-9a-f]{64}$/.test(e.hash))).toBe(
    true,
  );

  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/e2e/audit.png", fullPage: true });
});

test("a viewer reads and verifies the history but cannot export it", async ({ context, page }) => {
  await signIn(context, "viewer");
  await page.goto("/audit");
  await expect(page.getByTestId("chain-status")).toContainText("Chain intact");
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeDisabled();
  await expect(page.getByText("Auditors and admins export the history.")).toBeVisible();
  const input = encodeURIComponent(JSON.stringify({ json: { format: "csv" } }));
  const refused = await context.request.get(`/api/trpc/audit.export?input=${input}`);
  expect(refused.status()).toBe(403);
});
