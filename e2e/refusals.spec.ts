import { expect, test } from "@playwright/test";
import { io } from "socket.io-client";
import { signIn } from "./fixtures";

type Rollout = { id: string; state: string; version: number; service: { name: string } };
type TrpcError = { error: { json: { message: string; data: { code: string; httpStatus: number } } } };

test("a socket connection without a session is refused", async ({ baseURL }) => {
  const socket = io(baseURL as string, { transports: ["websocket"], reconnection: false });
  const outcome = await new Promise<string>((resolve) => {
    socket.on("connect", () => resolve("connected"));
    socket.on("connect_error", (error) => resolve(error.message));
  });
  socket.close();
  expect(outcome).toBe("unauthorized");
});

test("tRPC refuses the anonymous, the viewer's pause, and bad ids, changing nothing", async ({
  browser,
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const list = await anonymous.get("/api/trpc/rollouts.list");
  expect(list.status()).toBe(401);

  const viewer = await browser.newContext();
  await signIn(viewer, "viewer");
  const rollouts = (await (await viewer.request.get("/api/trpc/rollouts.list")).json()) as {
    result: { data: { json: Record<"active" | "ended", Rollout[]> } };
  };
  // Active or ended (the gates may have rolled the demo canary back): a viewer may change neither.
  const { active, ended } = rollouts.result.data.json;
  const target = [...active, ...ended].find((r) => r.service.name === "checkout-api");
  if (!target) throw new Error("demo rollout checkout-api missing");

  // The header our own pages send; without it a cookie-authenticated mutation is refused (CSRF).
  const csrf = { "x-sluice-csrf": "1" };
  const pause = (id: unknown) =>
    viewer.request.post("/api/trpc/rollouts.pause", { data: { json: { id } }, headers: csrf });
  const forbidden = await pause(target.id);
  expect(forbidden.status()).toBe(403);
  expect(((await forbidden.json()) as TrpcError).error.json.data.code).toBe("FORBIDDEN");

  const after = (await (
    await viewer.request.get(
      `/api/trpc/rollouts.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: target.id } }))}`,
    )
  ).json()) as { result: { data: { json: { state: string; version: number } } } };
  expect(after.result.data.json).toMatchObject({ state: target.state, version: target.version });

  const operator = await browser.newContext();
  await signIn(operator, "operator");
  const opPause = (id: unknown) =>
    operator.request.post("/api/trpc/rollouts.pause", { data: { json: { id } }, headers: csrf });
  const withoutHeader = await operator.request.post("/api/trpc/rollouts.pause", {
    data: { json: { id: target.id } },
  });
  expect(withoutHeader.status()).toBe(403);
  expect(await withoutHeader.json()).toMatchObject({ code: "CSRF" });
  const unknown = await opPause("no-such-rollout");
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as TrpcError).error.json.message).toBe("No rollout with id no-such-rollout");
  const malformed = await opPause(42);
  expect(malformed.status()).toBe(400);
  expect(((await malformed.json()) as TrpcError).error.json.message).toMatch(/^id: .*expected string/);
  await viewer.close();
  await operator.close();
});
