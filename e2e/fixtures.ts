import type { Browser, BrowserContext, Page } from "@playwright/test";
import { E2E_PASSWORD } from "../playwright.config";

export type DemoRole = "viewer" | "operator" | "release-manager" | "auditor" | "admin";

export const emailOf = (role: DemoRole) => `${role}@sluice.local`;

/** Signs a browser context in through next-auth's own endpoints (the UI form is covered once, separately). */
export async function signIn(context: BrowserContext, role: DemoRole): Promise<void> {
  const csrf = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email: emailOf(role), password: E2E_PASSWORD, json: "true" },
  });
  if (!response.ok()) throw new Error(`sign-in as ${role} failed: ${response.status()}`);
}

/** Opens the rollout of a demo service from the list. */
export async function openRollout(page: Page, service: string): Promise<void> {
  await page.goto("/rollouts");
  await page.getByRole("link", { name: service, exact: true }).click();
  await page.waitForURL(/\/rollouts\/[^/]+$/);
}

export function pointsIn(page: Page, chart: string) {
  return page.getByTestId(`chart-${chart}`).evaluate((el) => Number(el.getAttribute("data-points")));
}

/** A browser of its own for one user: a fresh context, signed in, with one page. */
export async function signedInPage(
  browser: Browser,
  role: DemoRole,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await signIn(context, role);
  return { context, page: await context.newPage() };
}
