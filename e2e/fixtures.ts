import type { Browser, BrowserContext, Page } from "@playwright/test";
import { E2E_PASSWORD } from "../playwright.config";
import { calmGates } from "./instance-client";

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

/**
 * A one-step canary plan for a journey's own rollout. Journeys that command a running rollout start their
 * own just before: a demo rollout may have been rolled back by then, as the live statistics do to a few in a
 * thousand identical canaries per step (0002). For the same reason it is judged by calmGates, unless the
 * journey is about the product's gates.
 */
export const oneStepCanary = (exposurePercent: number, { productGates = false } = {}) => ({
  mechanism: "canary",
  steps: [
    {
      exposurePercent,
      holdSeconds: 600,
      requiresApproval: false,
      ...(productGates ? {} : { gates: calmGates() }),
    },
  ],
});

type Post = (path: string, data: unknown) => Promise<{ id: string }>;

/** Works through the machine API as a pipeline would, with a token of its own (rollouts:write). */
async function asPipeline(browser: Browser, service: string, work: (post: Post) => Promise<void>) {
  const { context } = await signedInPage(browser, "admin");
  const created = await context.request.post("/api/trpc/tokens.create", {
    data: { json: { name: `e2e pipeline for ${service}`, scopes: ["rollouts:write"] } },
    headers: { "x-sluice-csrf": "1" },
  });
  const { secret } = ((await created.json()) as { result: { data: { json: { secret: string } } } }).result
    .data.json;
  const post: Post = async (path, data) => {
    const response = await context.request.post(`/api/v1${path}`, {
      data,
      headers: { authorization: `Bearer ${secret}` },
    });
    if (!response.ok()) throw new Error(`POST ${path}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  try {
    await work(post);
  } finally {
    await context.close();
  }
}

const release = (service: string) => ({ service, environment: "production", version: "1.0.0" });
const deploy = (post: Post, service: string) =>
  post("/deploys", { ...release(service), artifact: `registry/${service}:1.0.0` });

/** Registers release 1.0.0 of `service` (which creates the service), with no rollout. */
export function registerApiDeploy(browser: Browser, service: string): Promise<void> {
  return asPipeline(browser, service, async (post) => {
    await deploy(post, service);
  });
}

/**
 * What a pipeline does: an admin-made token registers a deploy of `service` and a draft rollout of it,
 * started too when `start` is set, or aborted with `abortReason`.
 */
export function createApiRollout(
  browser: Browser,
  service: string,
  plan: { mechanism: string; steps: unknown[] },
  options: { start?: boolean; abortReason?: string } = {},
): Promise<void> {
  return asPipeline(browser, service, async (post) => {
    await deploy(post, service);
    const rollout = await post("/rollouts", { ...release(service), ...plan });
    if (options.start) await post(`/rollouts/${rollout.id}/start`, {});
    if (options.abortReason) await post(`/rollouts/${rollout.id}/abort`, { reason: options.abortReason });
  });
}
