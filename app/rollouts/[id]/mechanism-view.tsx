"use client";
import { useQuery } from "@tanstack/react-query";
import type { Condition, FlagDefinition, RuleServe } from "../../../server/domain/flags";
import type { ExposureView } from "../../../server/domain/rollout";
import type { MechanismView as View } from "../../../server/services/rollouts/get-mechanism-view";
import { useTRPC } from "../../_lib/trpc";

function conditionText(c: Condition): string {
  if ("segment" in c) return `${c.negate ? "not in" : "in"} segment ${c.segment}`;
  return `${c.attribute} ${c.operator} ${c.values.join(", ")}`;
}

function serveText(serve: RuleServe): string {
  if ("variant" in serve) return `serve ${serve.variant}`;
  return `split ${serve.split.map((s) => `${s.variant} ${s.weight}`).join(" / ")}`;
}

function FlagState({ flag, testId }: { flag: FlagDefinition; testId: string }) {
  const percentage = flag.percentage;
  return (
    <div data-testid={testId}>
      <p>
        Flag <code>{flag.key}</code>:{" "}
        {flag.killed
          ? "✗ killed — everyone gets "
          : !flag.enabled
            ? "○ disabled — everyone gets "
            : "● on — "}
        {flag.killed || !flag.enabled ? (
          <strong>{flag.offVariant}</strong>
        ) : percentage ? (
          <>
            <strong>{percentage.percent}%</strong> of keys get <strong>{percentage.variant}</strong>, the rest{" "}
            <strong>{flag.defaultVariant}</strong>
          </>
        ) : (
          <>
            everyone else gets <strong>{flag.defaultVariant}</strong>
          </>
        )}
      </p>
      {flag.rules.length === 0 ? (
        <p className="muted">No targeting rules: the percentage alone decides.</p>
      ) : (
        <ol className="rules" aria-label="Targeting rules, first match wins">
          {flag.rules.map((rule) => (
            <li key={rule.name}>
              <strong>{rule.name}</strong>:{" "}
              {rule.conditions.length ? rule.conditions.map(conditionText).join(" and ") : "everyone"} →{" "}
              {serveText(rule.serve)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** One exposure in the mechanism's own words: a weight, a colour, a flag percentage, or rings. */
function ExposureText({ view }: { view: ExposureView }) {
  switch (view.mechanism) {
    case "flag":
      return (
        <>
          {view.exposurePercent}% of flag keys ({view.basisPoints} of 10,000 buckets)
        </>
      );
    case "canary":
      return (
        <>
          canary weight <strong>{view.canaryWeight}%</strong>, stable {view.stableWeight}%
          <meter
            className="weight"
            min={0}
            max={100}
            value={view.canaryWeight}
            aria-label="Canary traffic weight"
          />
        </>
      );
    case "ring":
      return (
        <>
          {view.ringIndex < 0
            ? "no ring exposed"
            : `rings up to ${view.exposedRings.at(-1)?.name ?? `#${view.ringIndex + 1}`}`}{" "}
          ({view.exposurePercent}%)
        </>
      );
    case "blue-green":
      return (
        <>
          <span className={`colour ${view.activeColour}`}>● {view.activeColour}</span> active (serving
          everyone), {view.idleColour} idle
        </>
      );
  }
}

function Rings({ rings }: { rings: View["rings"] }) {
  return (
    <ol className="rings" aria-label="Rings and their members" data-testid="mechanism-rings">
      {rings.map((ring) => (
        <li key={ring.name} className={ring.exposed ? "exposed" : "waiting"}>
          <strong>
            {ring.exposed ? "✓ exposed" : "○ not yet"} · {ring.name}
          </strong>{" "}
          <span className="muted">
            ({ring.exposurePercent}%{ring.exposedAtLastKnownGood ? ", kept by the kill switch" : ""})
          </span>
          <div>{ring.members.map((m) => `${m.kind}:${m.id}`).join(", ")}</div>
        </li>
      ))}
    </ol>
  );
}

/** The rollout as its mechanism applies it, and what the kill switch would return to. */
export function MechanismView({ rolloutId }: { rolloutId: string }) {
  const trpc = useTRPC();
  const view = useQuery(trpc.rollouts.mechanism.queryOptions({ id: rolloutId }));
  const v = view.data;
  return (
    <section className="card mechanism" aria-labelledby="mechanism-title" data-testid="mechanism-view">
      <h2 id="mechanism-title">Exposure by {v?.mechanism ?? "mechanism"}</h2>
      {view.error ? <p role="alert">{view.error.message}</p> : null}
      {v ? (
        <div className="mechanism-columns">
          <div>
            <h3>Now</h3>
            <p data-testid="mechanism-now">
              <ExposureText view={v.current} />
            </p>
            {v.flag ? <FlagState flag={v.flag} testId="mechanism-flag" /> : null}
            {v.rings.length ? <Rings rings={v.rings} /> : null}
            <p className="muted">Applied by {v.appliedBy}.</p>
          </div>
          <div data-testid="mechanism-last-known-good">
            <h3>Kill switch returns to (last known good)</h3>
            <p>
              <ExposureText view={v.lastKnownGood} />
            </p>
            {v.flagAtLastKnownGood?.percentage ? (
              <p>
                Flag <code>{v.flagAtLastKnownGood.key}</code> at {v.flagAtLastKnownGood.percentage.percent}% —{" "}
                <strong>{v.flagAtLastKnownGood.percentage.variant}</strong>
              </p>
            ) : null}
          </div>
        </div>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
