import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("the running server evaluates the demo's flag over OFREP with an admin-made token", async ({
  browser,
}) => {
  const admin = await browser.newContext();
  await signIn(admin, "admin");
  const created = await admin.request.post("/api/trpc/tokens.create", {
    data: { json: { name: "e2e sdk", scopes: ["flags:evaluate"] } },
    headers: { "x-sluice-csrf": "1" },
  });
  expect(created.status()).toBe(200);
  const { secret } = ((await created.json()) as { result: { data: { json: { secret: string } } } }).result
    .data.json;

  const evaluate = (key: string, context: Record<string, unknown>, token = secret) =>
    admin.request.post(`/ofrep/v1/evaluate/flags/${key}`, {
      data: { context },
      headers: { authorization: `Bearer ${token}` },
    });
  const answer = await evaluate("search.semantic-ranking", { targetingKey: "user-42" });
  expect(answer.status()).toBe(200);
  const body = (await answer.json()) as {
    key: string;
    value: unknown;
    reason: string;
    metadata: { cohort?: string };
  };
  expect(body.key).toBe("search.semantic-ranking");
  expect(typeof body.value).toBe("boolean");
  expect(["SPLIT", "DEFAULT", "TARGETING_MATCH", "STATIC"]).toContain(body.reason);
  expect(["canary", "baseline"]).toContain(body.metadata.cohort);

  expect((await evaluate("no-such-flag", { targetingKey: "u" })).status()).toBe(404);
  expect((await evaluate("search.semantic-ranking", { targetingKey: "u" }, "slc_wrong")).status()).toBe(401);
  await admin.close();
});
