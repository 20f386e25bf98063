import type { Db } from "../db/client";
import type { EventBus } from "./events/event-bus";

/** What every service needs: the database, the event bus, and the clock (injected so tests control time). */
export interface ServiceContext {
  db: Db;
  events: EventBus;
  now(): Date;
}
