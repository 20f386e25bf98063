// Test harness: the OFREP handler alone on a loopback port. Not used by production code.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceContext } from "../services/context";
import { createFlagStore, type FlagStore } from "../services/flags/flag-store";
import { createOfrepHandler, type OfrepHandlerOptions } from "./ofrep-handler";

export interface OfrepTestServer {
  url: string;
  store: FlagStore;
  logs: string[];
  close(): Promise<void>;
}

/** A flag store over `services` and the OFREP handler in front of it, as request-router mounts it. */
export async function startOfrepServer(
  services: ServiceContext,
  options: Partial<Omit<OfrepHandlerOptions, "services" | "store">> = {},
): Promise<OfrepTestServer> {
  const store = await createFlagStore(services, { refreshIntervalMs: 0 });
  const logs: string[] = [];
  const handler = createOfrepHandler({ store, services, log: (line) => logs.push(line), ...options });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    logs,
    async close() {
      store.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
