import type { GateVerdict, Verdict } from "../analysis/gate-verdict";
import type { PlanStep } from "../rollout/rollout-types";
import { type ChartMetric, chartMetricOf } from "./gate-margin";

/** The rollout events that move exposure, as the chart marks them on its time axis. Times in epoch ms. */
export type ExposureEvent =
  | { type: "rollout.step-entered"; at: number; stepIndex: number }
  | { type: "rollout.rolled-back"; at: number; toPercent: number }
  | { type: "rollout.completed"; at: number };

export interface StepBoundary {
  t: number;
  kind: "step" | "rollback" | "completed";
  /** The step whose gates apply from here; null when none does (rolled back, completed). */
  stepIndex: number | null;
  label: string;
}

/** How a step is named on the chart: its ring, or its position, with its exposure. */
export function stepName(
  steps: readonly Pick<PlanStep, "exposurePercent" | "ring">[],
  index: number,
): string {
  const step = steps[index];
  if (!step) return `Step ${index + 1}`;
  return step.ring
    ? `${step.ring.name} · ${step.exposurePercent}%`
    : `Step ${index + 1} · ${step.exposurePercent}%`;
}

/** One labelled boundary per exposure change, oldest first. */
export function stepBoundaries(
  events: readonly ExposureEvent[],
  steps: readonly Pick<PlanStep, "exposurePercent" | "ring">[],
): StepBoundary[] {
  const boundaries = events.map((event): StepBoundary => {
    switch (event.type) {
      case "rollout.step-entered":
        return {
          t: event.at,
          kind: "step",
          stepIndex: event.stepIndex,
          label: stepName(steps, event.stepIndex),
        };
      case "rollout.rolled-back":
        return {
          t: event.at,
          kind: "rollback",
          stepIndex: null,
          label: `Rolled back to ${event.toPercent}%`,
        };
      case "rollout.completed":
        return { t: event.at, kind: "completed", stepIndex: null, label: "Completed" };
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  });
  return boundaries.sort((a, b) => a.t - b.t);
}

/**
 * The step whose gates judged an interval ending at `t`: the newest boundary strictly before it (an
 * interval ending exactly at a boundary was served before the change). Null before the first step and
 * after a rollback or completion.
 */
export function stepInEffect(boundaries: readonly StepBoundary[], t: number): number | null {
  let current: number | null = null;
  for (const boundary of boundaries) {
    if (boundary.t >= t) break;
    current = boundary.stepIndex;
  }
  return current;
}

export interface VerdictMarker {
  t: number;
  stepIndex: number;
  metric: ChartMetric;
  gate: string;
  verdict: Verdict;
  detail: string;
}

export interface JudgedInterval {
  stepIndex: number;
  intervalEnd: number;
  gates: readonly GateVerdict[];
}

type LastVerdict = { stepIndex: number; verdict: Verdict } | undefined;

/** The markers one judged interval adds: each charted gate whose verdict differs from its last one. */
function changedGates(interval: JudgedInterval, lastOf: (gate: string) => LastVerdict): VerdictMarker[] {
  return interval.gates.flatMap((gate): VerdictMarker[] => {
    const metric = chartMetricOf(gate.metric);
    const previous = lastOf(gate.gate);
    if (!metric) return [];
    if (previous && previous.stepIndex === interval.stepIndex && previous.verdict === gate.verdict) return [];
    return [
      {
        t: interval.intervalEnd,
        stepIndex: interval.stepIndex,
        metric,
        gate: gate.gate,
        verdict: gate.verdict,
        detail: gate.detail,
      },
    ];
  });
}

/**
 * Where each charted gate's verdict changed: its first verdict in every step and each change after it,
 * oldest first. A verdict repeated every interval would bury the chart; the changes tell the story.
 * Keeps the newest `limitPerGate` markers of each gate, so a flapping gate cannot flood the page.
 */
export function verdictMarkers(intervals: readonly JudgedInterval[], limitPerGate = 60): VerdictMarker[] {
  const ordered = [...intervals].sort((a, b) => a.intervalEnd - b.intervalEnd);
  const last = new Map<string, { stepIndex: number; verdict: Verdict }>();
  const byGate = new Map<string, VerdictMarker[]>();
  for (const interval of ordered) {
    for (const marker of changedGates(interval, (gate) => last.get(gate))) {
      byGate.set(marker.gate, [...(byGate.get(marker.gate) ?? []), marker].slice(-limitPerGate));
    }
    for (const gate of interval.gates)
      last.set(gate.gate, { stepIndex: interval.stepIndex, verdict: gate.verdict });
  }
  return [...byGate.values()].flat().sort((a, b) => a.t - b.t);
}

/**
 * A live judgement added to known markers: the same rule as verdictMarkers, one interval at a time.
 * Returns `known` itself when nothing changed, so a chart holding it need not redraw.
 */
export function appendVerdicts(
  known: readonly VerdictMarker[],
  interval: JudgedInterval,
): readonly VerdictMarker[] {
  if (known.some((m) => m.t >= interval.intervalEnd && m.stepIndex === interval.stepIndex)) return known;
  const added = changedGates(interval, (gate) => known.findLast((m) => m.gate === gate));
  return added.length ? [...known, ...added] : known;
}
