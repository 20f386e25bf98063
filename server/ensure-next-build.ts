import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUILD_ID = path.join(ROOT, ".next", "BUILD_ID");
const UI_SOURCES = ["app", "public", "next.config.ts"];

/**
 * `npm start` on a fresh clone builds the UI first; after that it starts in seconds. A build older than
 * any UI source file is redone, so a pulled change never serves stale pages.
 */
export async function ensureNextBuild(log: (line: string) => void): Promise<void> {
  if (
    existsSync(BUILD_ID) &&
    newestMtime(UI_SOURCES.map((p) => path.join(ROOT, p))) <= statSync(BUILD_ID).mtimeMs
  ) {
    return;
  }
  log("Building the dashboard (first start, or the UI changed)…");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    build.on("error", reject);
    build.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`)),
    );
  });
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const stat = statSync(p);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) {
      newest = Math.max(newest, newestMtime(readdirSync(p).map((name) => path.join(p, name))));
    }
  }
  return newest;
}
