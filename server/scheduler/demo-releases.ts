import type { ServiceContext } from "../services/context";
import { releaseNextDemoVersions } from "../services/demo/release-next-demo-versions";
import { type SerialLoop, startSerialLoop } from "./serial-loop";

/** Every `intervalMs`, gives each demo service whose rollout has ended its next release (see the service). */
export function startDemoReleases(
  ctx: ServiceContext,
  options: { intervalMs: number; onError: (error: unknown) => void },
): SerialLoop {
  return startSerialLoop(async () => {
    await releaseNextDemoVersions(ctx);
  }, options);
}
