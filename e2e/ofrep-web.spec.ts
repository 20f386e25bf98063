import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { build } from "esbuild";
import { createDb, type Db } from "../server/db/client";
import { createOfrepHandler } from "../server/ofrep/ofrep-handler";
import type { ServiceContext } from "../server/services/context";
import { EventBus } from "../server/services/events/event-bus";
import { createFlag } from "../server/services/flags/create-flag";
import { createFlagStore, type FlagStore } from "../server/services/flags/flag-store";
import { setFlagKilled } from "../server/services/flags/kill-flag";
import { createApiToken } from "../server/services/tokens/create-api-token";

/**
 * The OpenFeature web SDK with the OFREP web provider, bundled from node_modules, in a real page. The
 * page and the OFREP endpoint have different origins (as a web app and Sluice would), so the browser
 * also checks the handler's CORS answers. The handler runs in this process over the e2e server's
 * database, with its own flag store listening to the event bus the test's writes publish on.
 */

const E2E_PORT = Number(process.env.E2E_PORT ?? 3999);
const DATABASE_URL = `postgresql://sluice:sluice-local@127.0.0.1:${E2E_PORT + 1}/sluice`;
const FLAG = `web.checkout-banner-${Date.now().toString(36)}`;

interface PageResult {
  value: string;
  variant?: string;
  reason?: string;
  errorCode?: string;
  metadata: Record<string, unknown>;
}

declare global {
  interface Window {
    sluiceFlags: {
      start(baseUrl: string, secret: string, targetingKey: string): Promise<void>;
      details(key: string): PageResult;
      changes: number;
    };
  }
}

/** What the page runs: the SDK, our provider, and two helpers the test calls. */
const PAGE_SCRIPT = `
import { OpenFeature, ProviderEvents } from "@openfeature/web-sdk";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
window.sluiceFlags = {
  changes: 0,
  async start(baseUrl, secret, targetingKey) {
    await OpenFeature.setContext({ targetingKey, plan: "free" });
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, () => { window.sluiceFlags.changes++; });
    await OpenFeature.setProviderAndWait(new OFREPWebProvider({
      baseUrl,
      headers: [["Authorization", "Bearer " + secret]],
      pollInterval: 300,
      changeDetection: "polling",
      cacheMode: "disabled",
    }));
  },
  details(key) {
    const d = OpenFeature.getClient().getStringDetails(key, "code-default");
    return { value: d.value, variant: d.variant, reason: d.reason, errorCode: d.errorCode, metadata: d.flagMetadata };
  },
};
`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

test.describe("OFREP in the browser", () => {
  let db: Db;
  let services: ServiceContext;
  let store: FlagStore;
  let pageServer: Server;
  let ofrepServer: Server;
  let pageUrl: string;
  let ofrepUrl: string;
  let secret: string;
  let admin: { id: string; name: string; role: "admin" };
  const statuses: number[] = [];

  test.beforeAll(async () => {
    db = createDb(DATABASE_URL);
    services = { db, events: new EventBus(), now: () => new Date() };
    const user = await db.user.findFirstOrThrow({
      where: { role: "admin" },
      select: { id: true, name: true },
    });
    admin = { ...user, role: "admin" };
    await createFlag(services, admin, {
      key: FLAG,
      service: "checkout-api",
      variants: [
        { name: "hidden", value: "none" },
        { name: "classic", value: "classic-banner" },
        { name: "bold", value: "bold-banner" },
      ],
      defaultVariant: "classic",
      offVariant: "hidden",
      rules: [
        {
          name: "paying",
          conditions: [{ attribute: "plan", operator: "in", values: ["pro"] }],
          serve: { variant: "bold" },
        },
      ],
    });
    secret = (await createApiToken(services, admin, { name: "web e2e", scopes: ["flags:evaluate"] })).secret;
    store = await createFlagStore(services, { refreshIntervalMs: 0 });

    const bundle = await build({
      stdin: { contents: PAGE_SCRIPT, resolveDir: process.cwd(), loader: "js" },
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2020",
      write: false,
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]?.text ?? "";
    pageServer = createServer((req, res) => {
      if (req.url === "/sdk.js") {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(script);
        return;
      }
      res
        .writeHead(200, { "Content-Type": "text/html" })
        .end('<!doctype html><title>shop</title><script src="/sdk.js"></script><p>shop</p>');
    });
    pageUrl = await listen(pageServer);
    const handler = createOfrepHandler({ store, services, allowedOrigins: [pageUrl] });
    ofrepServer = createServer((req, res) => {
      res.on("finish", () => {
        if (req.method === "POST") statuses.push(res.statusCode);
      });
      void handler(req, res);
    });
    ofrepUrl = await listen(ofrepServer);
  });

  test.afterAll(async () => {
    store?.close();
    if (pageServer) await close(pageServer);
    if (ofrepServer) await close(ofrepServer);
    await db?.$disconnect();
  });

  test("the web SDK evaluates through OFREP, revalidates with ETags and sees a kill", async ({ page }) => {
    await page.goto(pageUrl);
    await page.evaluate(([url, token]) => window.sluiceFlags.start(url, token, "shopper-1"), [
      ofrepUrl,
      secret,
    ] as const);
    const first = await page.evaluate((key) => window.sluiceFlags.details(key), FLAG);
    expect(first).toMatchObject({
      value: "classic-banner",
      variant: "classic",
      reason: "DEFAULT",
      metadata: { variant: "classic" },
    });
    expect(first.errorCode).toBeUndefined();

    // Polling with If-None-Match: nothing changed, so the answers are 304s.
    await expect.poll(() => statuses.filter((s) => s === 304).length, { timeout: 5_000 }).toBeGreaterThan(1);

    await setFlagKilled(services, admin, FLAG, true, "web e2e");
    await expect
      .poll(() => page.evaluate((key) => window.sluiceFlags.details(key), FLAG), { timeout: 5_000 })
      .toMatchObject({ value: "none", variant: "hidden", reason: "DISABLED" });
    expect(await page.evaluate(() => window.sluiceFlags.changes)).toBeGreaterThan(0);

    // A missing flag falls back to the code's default, with the code OFREP gave.
    const missing = await page.evaluate(() => window.sluiceFlags.details("web.no-such-flag"));
    expect(missing).toMatchObject({ value: "code-default", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    expect(statuses.every((s) => s === 200 || s === 304)).toBe(true);
  });
});
