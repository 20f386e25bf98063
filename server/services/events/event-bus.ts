import { EventEmitter } from "node:events";
import type { GateVerdict } from "../../domain/analysis";
import type { SeriesPoint } from "../../domain/metrics/cohort-sample";

/** What services announce after a change is committed. Small payloads: ids, versions, new data points. */
export interface DomainEvents {
  "rollout.changed": { rolloutId: string; version: number; state: string; exposurePercent: number };
  "samples.ingested": { rolloutId: string; points: SeriesPoint[] };
  /** A flag's change names the rollout it gates (null: none), whose page shows the flag. */
  "flag.changed":
    | { kind: "flag"; key: string; version: number; rolloutId: string | null }
    | { kind: "segment"; key: string; version: number };
  "freeze.changed":
    | { incidentId: string }
    | { service: string; environment: string; slo: string; exhausted: boolean };
  /** A user's sessions that began before `validFrom` (epoch ms) are ended: sign-out or role change. */
  "sessions.revoked": { userId: string; validFrom: number };
  "verdict.recorded": {
    rolloutId: string;
    stepIndex: number;
    intervalEnd: number;
    decision: string;
    reason: string;
    gates: GateVerdict[];
  };
}

export type EventName = keyof DomainEvents;

/** In-process publish/subscribe between services and transports (sockets). Database stays the truth. */
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish<E extends EventName>(name: E, payload: DomainEvents[E]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<E extends EventName>(name: E, listener: (payload: DomainEvents[E]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
