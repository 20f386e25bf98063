import { expect, type Page, test } from "@playwright/test";
import { freePort } from "../server/testing/free-port";
import { startTestOidcProvider, type TestOidcProvider } from "./oidc-test-provider";
import { newDataDir, query, type ServerProcess, startServer } from "./server-process";

const port = Number(process.env.E2E_PORT ?? 3999) + 30;
const sluiceUrl = `http://127.0.0.1:${port}`;
const client = {
  id: "sluice-e2e",
  secret: "sluice-e2e-client-secret",
  redirectUri: `${sluiceUrl}/api/auth/callback/oidc`,
};

const identities = {
  ann: { email: "ann@idp.test", name: "Ann Oncall", groups: ["staff", "sre-oncall", "auditors"] },
  dee: { email: "dee@idp.test", name: "Dee Intern", groups: ["staff", "interns"] },
};

test.describe.configure({ mode: "serial" });
test.use({ baseURL: sluiceUrl });

let idp: TestOidcProvider;
let sluice: ServerProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  idp = await startTestOidcProvider({ port: await freePort(), client, identities });
  sluice = startServer(port, newDataDir("oidc"), {
    NEXTAUTH_URL: sluiceUrl,
    SLUICE_OIDC_ISSUER: idp.issuer,
    SLUICE_OIDC_CLIENT_ID: client.id,
    SLUICE_OIDC_CLIENT_SECRET: client.secret,
    SLUICE_OIDC_NAME: "Test IdP",
    SLUICE_OIDC_ROLE_MAP: "sre-oncall=operator,auditors=auditor,platform-admins=admin",
  });
  await sluice.up;
});

test.afterAll(async () => {
  sluice?.child.kill("SIGTERM");
  await sluice?.exited;
  await idp?.stop();
});

/** Sluice's sign-in page → the provider's login and consent pages → back to Sluice. */
async function signInThroughProvider(page: Page, login: string) {
  await page.goto("/signin?callbackUrl=%2Frollouts");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await page.waitForURL(`${idp.issuer}/interaction/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click(); // consent to Sluice's scopes
  await page.waitForURL(`${sluiceUrl}/**`);
}

const sessionOf = async (page: Page) =>
  (await (await page.request.get("/api/auth/session")).json()) as { user?: Record<string, unknown> };

test("an on-call engineer signs in through the identity provider with the role their groups map to", async ({
  page,
}) => {
  await signInThroughProvider(page, "ann");
  await page.waitForURL(`${sluiceUrl}/rollouts`);
  // sre-oncall → operator and auditors → auditor: operator is higher in the precedence.
  await expect(page.getByTestId("current-user")).toHaveText("Ann Oncall (operator)");

  const [user] = await query<{ id: string; role: string; passwordHash: string }>(
    port,
    `SELECT id, role, "passwordHash" FROM "User" WHERE email = $1`,
    ["ann@idp.test"],
  );
  expect(user?.role).toBe("operator");
  expect(user?.passwordHash).toMatch(/^oidc\$/);
  expect((await sessionOf(page)).user).toMatchObject({
    id: user?.id,
    name: "Ann Oncall",
    email: "ann@idp.test",
    role: "operator",
  });
  expect((await page.request.get("/api/trpc/rollouts.list")).status()).toBe(200);

  const audit = await query<{ action: string; reason: string }>(
    port,
    `SELECT action, reason FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY id`,
    [user?.id],
  );
  expect(audit.map((e) => e.action)).toEqual(["user.provisioned", "auth.signed-in"]);
  expect(audit[0]?.reason).toContain("also matched auditor");

  // The provider's password is no Sluice password.
  const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const credentials = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email: "ann@idp.test", password: "any password", json: "true" },
  });
  expect(((await credentials.json()) as { url: string }).url).toContain("error=CredentialsSignin");
});

test("a user whose groups map to no Sluice role is refused, and the refusal is audited", async ({ page }) => {
  await signInThroughProvider(page, "dee");
  await page.waitForURL(`${sluiceUrl}/signin?error=OidcRefused&reason=no-role`);
  await expect(page.getByRole("alert").filter({ hasText: "no group that has a Sluice role" })).toBeVisible();
  expect((await sessionOf(page)).user).toBeUndefined();
  expect((await page.request.get("/api/trpc/rollouts.list")).status()).toBe(401);

  expect(await query(port, `SELECT id FROM "User" WHERE email = $1`, ["dee@idp.test"])).toEqual([]);
  const audit = await query<{ action: string; reason: string; after: { code: string; groups: string[] } }>(
    port,
    `SELECT action, reason, after FROM "AuditEvent" WHERE "targetId" = $1`,
    ["email:dee@idp.test"],
  );
  expect(audit).toEqual([
    {
      action: "auth.sign-in-refused",
      reason: 'no group in claim "groups" maps to a Sluice role (groups: staff, interns)',
      after: expect.objectContaining({ code: "no-role", groups: ["staff", "interns"] }),
    },
  ]);
});
