import { expect, test } from "@playwright/test";
import { openRollout, signIn } from "./fixtures";

test("pages work under the Content-Security-Policy, with the security headers", async ({ browser }) => {
  const context = await browser.newContext();
  await signIn(context, "operator");
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/rollouts");
  const headers = response?.headers() ?? {};
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  await openRollout(page, "checkout-api");
  // The live connection (websocket, same origin) comes up under connect-src.
  await expect(page.getByTestId("connection")).toHaveText("live");
  expect(violations).toEqual([]);
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
