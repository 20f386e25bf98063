"use client";
import { formatDuration } from "../../_components/format";

interface Step {
  exposurePercent: number;
  holdSeconds: number;
  requiresApproval: boolean;
  ring?: { name: string; members: { kind: string; id: string }[] };
}

/** The plan as a timeline: passed steps, the current one with its hold countdown, the ones to come. */
export function PlanTimeline(props: {
  steps: Step[];
  currentStep: number;
  state: string;
  phase: string | null;
  holdUntil: Date | null;
  holdExtended: boolean;
  now: number;
}) {
  const { steps, currentStep, now } = props;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan</h2>
      <ol className="plan" data-testid="plan">
        {steps.map((step, i) => {
          const status =
            i < currentStep ||
            (i === currentStep && (props.state === "completed" || props.phase === "ramping"))
              ? "done"
              : i === currentStep
                ? "current"
                : "next";
          return (
            <li
              key={step.exposurePercent /* strictly increasing, so unique */}
              className={`plan-step ${status}`}
              aria-current={status === "current" ? "step" : undefined}
            >
              <strong>
                {status === "done"
                  ? "✓ "
                  : status === "current"
                    ? props.state === "running"
                      ? "▶ "
                      : `${props.state.replace("_", " ")} at `
                    : ""}
                {step.ring ? `${step.ring.name} (${step.exposurePercent}%)` : `${step.exposurePercent}%`}
              </strong>
              <span className="muted">
                {" "}
                hold {formatDuration(step.holdSeconds * 1000)}
                {step.requiresApproval ? " · needs approval" : ""}
                {status === "current" && props.holdUntil && props.state === "running"
                  ? ` · ${formatDuration(props.holdUntil.getTime() - now)} left${props.holdExtended ? " (extended)" : ""}`
                  : ""}
              </span>
              {step.ring ? (
                <div className="muted">{step.ring.members.map((m) => `${m.kind}:${m.id}`).join(", ")}</div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
