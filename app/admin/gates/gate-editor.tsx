"use client";
import { useState } from "react";
import type { GateConfig, GateMetric } from "../../../server/domain/analysis/gate-config";

const METRICS: readonly GateMetric[] = [
  "error-rate",
  "latency-p95",
  "latency-p99",
  "latency-shift",
  "conversion",
];

type NumberField = "minRelativeChange" | "minAbsoluteChange" | "minSamples";
const NUMBER_FIELDS: readonly [NumberField, string][] = [
  ["minRelativeChange", "Relative change that matters"],
  ["minAbsoluteChange", "Absolute change that matters"],
  ["minSamples", "Minimum sample"],
];

/** Edits a list of gates row by row; the server validates and names any bad field. */
export function GateEditor(props: {
  initial: readonly GateConfig[];
  disabled: boolean;
  saving: boolean;
  onSave: (gates: GateConfig[]) => void;
}) {
  const [gates, setGates] = useState<GateConfig[]>(() => props.initial.map((g) => ({ ...g })));
  const update = (i: number, change: Partial<GateConfig>) =>
    setGates((all) => all.map((g, j) => (j === i ? { ...g, ...change } : g)));
  return (
    <form
      aria-label="Gates"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSave(gates);
      }}
    >
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Metric</th>
            <th scope="col">Regression when</th>
            {NUMBER_FIELDS.map(([field, label]) => (
              <th scope="col" key={field}>
                {label}
              </th>
            ))}
            <th scope="col">Critical</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {gates.map((gate, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions; names may be edited or repeated
            <tr key={i}>
              <td>
                <input
                  aria-label={`Gate ${i + 1} name`}
                  value={gate.name}
                  disabled={props.disabled}
                  onChange={(e) => update(i, { name: e.target.value })}
                />
              </td>
              <td>
                <select
                  aria-label={`Gate ${i + 1} metric`}
                  value={gate.metric}
                  disabled={props.disabled}
                  onChange={(e) => update(i, { metric: e.target.value as GateMetric })}
                >
                  {METRICS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </td>
              <td>
                <select
                  aria-label={`Gate ${i + 1} regression direction`}
                  value={gate.badDirection}
                  disabled={props.disabled}
                  onChange={(e) => update(i, { badDirection: e.target.value as GateConfig["badDirection"] })}
                >
                  <option value="higher">higher</option>
                  <option value="lower">lower</option>
                </select>
              </td>
              {NUMBER_FIELDS.map(([field, label]) => (
                <td key={field}>
                  <input
                    type="number"
                    step="any"
                    aria-label={`Gate ${i + 1} ${label.toLowerCase()}`}
                    value={Number.isNaN(gate[field]) ? "" : gate[field]}
                    disabled={props.disabled}
                    onChange={(e) => update(i, { [field]: e.target.valueAsNumber })}
                  />
                </td>
              ))}
              <td>
                <input
                  type="checkbox"
                  aria-label={`Gate ${i + 1} critical`}
                  checked={gate.critical}
                  disabled={props.disabled}
                  onChange={(e) => update(i, { critical: e.target.checked })}
                />
              </td>
              <td>
                {props.disabled ? null : (
                  <button type="button" onClick={() => setGates((all) => all.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Relative changes are fractions of the baseline (0.25 = 25%). Absolute changes are in the metric's own
        unit: a fraction for error-rate and conversion (0.0007 = 0.07 percentage points), milliseconds for
        latency.
      </p>
      {props.disabled ? null : (
        <p>
          <button
            type="button"
            onClick={() =>
              setGates((all) => [
                ...all,
                {
                  name: "",
                  metric: "error-rate",
                  badDirection: "higher",
                  minRelativeChange: 0.2,
                  minAbsoluteChange: 0.001,
                  minSamples: 50,
                  critical: true,
                },
              ])
            }
          >
            Add gate
          </button>{" "}
          <button type="submit" disabled={props.saving}>
            Save gates
          </button>
        </p>
      )}
    </form>
  );
}
