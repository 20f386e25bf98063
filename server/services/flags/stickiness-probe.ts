// Run by flag-stickiness.test.ts in a separate process: prints the buckets and variants this process
// computes for `count` keys, so the test can compare them with its own.
import { basisPointBucket } from "../../domain/bucketing/sticky-bucket";
import { evaluateFlag } from "../../domain/flags";
import { probeFlag, probeKeys } from "./stickiness-probe-keys";

const count = Number(process.argv[2] ?? 1000);
const flag = probeFlag();
const rows = probeKeys(count).map((key) => {
  const result = evaluateFlag(flag, { targetingKey: key });
  return [basisPointBucket(key, flag.key), "variant" in result ? result.variant : result.errorCode];
});
process.stdout.write(JSON.stringify(rows));
