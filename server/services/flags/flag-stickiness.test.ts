import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { basisPointBucket } from "../../domain/bucketing/sticky-bucket";
import { evaluateFlag } from "../../domain/flags";
import { probeFlag, probeKeys } from "./stickiness-probe-keys";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

describe("flag bucketing across processes", () => {
  it("puts 1,000 keys in the same buckets and variants in another Node process", async () => {
    const { stdout } = await run(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(import.meta.dirname, "stickiness-probe.ts"), "1000"],
      { cwd: root, timeout: 30_000 },
    );
    const theirs = JSON.parse(stdout) as [number, string][];
    const flag = probeFlag();
    const ours = probeKeys(1000).map((key) => {
      const result = evaluateFlag(flag, { targetingKey: key });
      return [basisPointBucket(key, flag.key), "variant" in result ? result.variant : result.errorCode];
    });
    expect(theirs).toHaveLength(1000);
    expect(theirs).toEqual(ours);
    // Both outcomes occur, so the comparison is not vacuous.
    expect(new Set(ours.map(([, v]) => v))).toEqual(new Set(["on", "off"]));
  });
});
