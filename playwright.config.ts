import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Debian's chromium where it exists (Playwright cannot download its own browser here); otherwise the
// browser Playwright installed. PLAYWRIGHT_CHROMIUM_PATH points the tests at any other Chromium.
const chromium =
  process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const port = Number(process.env.E2E_PORT ?? 3999);
export const E2E_PASSWORD = "e2e-demo-password";
// Playwright loads this file in every worker; the first load picks the data directory for all of them.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "sluice-e2e-"));

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // node with tsx as a loader, not the tsx CLI: one process, so signals reach the server directly.
    command: "node --import tsx server/start.ts",
    url: `http://127.0.0.1:${port}/signin`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      SLUICE_DATA_DIR: process.env.E2E_DATA_DIR,
      SLUICE_EMBEDDED_PG_PORT: String(port + 1),
      SLUICE_SIMULATOR_INTERVAL_SECONDS: "1",
      SLUICE_SIMULATOR_REQUESTS_PER_SECOND: "4000",
      SLUICE_DEMO_PASSWORD: E2E_PASSWORD,
      // Journeys find demo rollouts by service; a next release would make a second one.
      SLUICE_DEMO_NEXT_RELEASES: "false",
      // Every journey signs in (and presents bad tokens) from 127.0.0.1; per-address limits have their own tests.
      SLUICE_RATE_SIGN_IN_BURST: "1000",
      SLUICE_RATE_SIGN_IN_PER_MINUTE: "1000",
      SLUICE_RATE_UNKNOWN_TOKEN_BURST: "1000",
    },
  },
});
