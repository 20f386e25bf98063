import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { openRollout, signIn } from "./fixtures";

/** Records every CSP violation a page reports, from the console and from securitypolicyviolation events. */
async function watchViolations(context: BrowserContext, page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await context.exposeFunction("reportCspViolation", (text: string) => violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`,
      ),
    );
  });
  return violations;
}

test("every page works under a nonce-based script policy, with zero CSP violations", async ({ browser }) => {
  const context = await browser.newContext();
  await signIn(context, "admin");
  const page = await context.newPage();
  const violations = await watchViolations(context, page);

  const response = await page.goto("/rollouts");
  const headers = response?.headers() ?? {};
  const policy = headers["content-security-policy"] ?? "";
  const scriptSrc = policy.split("; ").find((d) => d.startsWith("script-src")) ?? "";
  expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'$/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // Hydrated: the list came from tRPC, which only the app's scripts could fetch.
  await expect(page.getByRole("link", { name: "checkout-api", exact: true })).toBeVisible();

  await openRollout(page, "checkout-api");
  // The live connection (websocket, same origin) comes up under connect-src; the charts render.
  await expect(page.getByTestId("connection")).toHaveText("live");
  for (const path of ["/incidents", "/audit", "/flags", "/admin/gates"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "Save gates" })).toBeEnabled();
  await page.goto("/signin");
  await expect(page.getByLabel("Email")).toBeVisible();
  expect(violations).toEqual([]);

  // The watcher does see a violation: a script injected into the page's HTML (as an XSS would) is
  // refused and never runs.
  await page.route("**/rollouts", async (route) => {
    const original = await route.fetch();
    const html = (await original.text()).replace("<body>", "<body><script>window.injected = true</script>");
    await route.fulfill({ response: original, body: html });
  });
  await page.goto("/rollouts");
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  await context.close();
});

test("a cross-site tRPC mutation is refused before it reaches the rollout", async ({ browser }) => {
  const context = await browser.newContext();
  await signIn(context, "operator");
  const forged = await context.request.post("/api/trpc/rollouts.pause", {
    data: { json: { id: "no-such-rollout" } },
    headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toMatchObject({ code: "CSRF" });
  await context.close();
});

test("repeated failed sign-ins lock the account, without saying whether it exists", async ({ page }) => {
  const attempt = async (email: string, password: string) => {
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    return page.request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email, password, json: "true" },
    });
  };
  for (let i = 0; i < 5; i++) expect((await attempt("ghost@sluice.local", `guess-${i}`)).status()).toBe(401);
  const locked = await attempt("ghost@sluice.local", "guess-5");
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);

  await page.goto("/signin");
  await page.getByLabel("Email").fill("ghost@sluice.local");
  await page.getByLabel("Password").fill("anything");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form [role=alert]")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});
