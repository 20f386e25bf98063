import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DemoCredential } from "../prisma/seed-demo";

/** Keeps the seeded demo passwords (readable by this user only) so they are not lost with the console. */
export async function writeDemoCredentials(dataDir: string, credentials: DemoCredential[]): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, "demo-credentials.txt");
  const lines = credentials.map((c) => `${c.role}\t${c.email}\t${c.password}`);
  await writeFile(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}
