import type { ChangeFeed } from "../../db/change-listener";
import type { ServiceContext } from "../context";
import { getServiceExposure, type ServiceExposureDocument } from "./get-service-exposure";

/** The exposure documents a router, mesh or SDK polls, served from memory: no database read per request. */
export interface ExposureStore {
  /** The service's document and strong ETag; NOT_FOUND for an unknown service. */
  get(service: string): Promise<ServiceExposureDocument>;
  /** Stops listening. */
  close(): void;
}

/**
 * Each service's document is read once and kept with its ETag until something it shows may have
 * changed, as the flag store keeps flags: this instance's `rollout.changed` and `flag.changed` events
 * drop them at once (a command's caller reads its own write), and `changes` — PostgreSQL's
 * notifications of every committed write, from any instance — drops them within moments for the others.
 * While `changes` is not listening (the database unreachable, a reconnect), every read goes to the
 * database: a document is never served from memory when a change could have gone unheard.
 *
 * Everything is dropped on any change: changes are rare next to reads, and a dropped document costs one
 * read at its next request. A read under way when a change arrives serves the requests that were waiting
 * for it but is not kept.
 */
export function createExposureStore(ctx: ServiceContext, changes: ChangeFeed): ExposureStore {
  let documents = new Map<string, Promise<ServiceExposureDocument>>();
  const forget = () => {
    documents = new Map();
  };
  const unsubscribers = [
    ctx.events.subscribe("rollout.changed", forget),
    ctx.events.subscribe("flag.changed", forget),
    changes.subscribe(forget),
  ];
  return {
    get(service) {
      if (!changes.listening()) return getServiceExposure(ctx, service);
      const kept = documents;
      const known = kept.get(service);
      if (known) return known;
      const read = getServiceExposure(ctx, service);
      kept.set(service, read);
      // Failures (an unknown service, the database down) are not kept: the next request asks again.
      read.catch(() => {
        if (kept.get(service) === read) kept.delete(service);
      });
      return read;
    },
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
