"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { BAD_CANARY, NO_REGRESSION } from "../../../server/metrics/simulated-traffic";
import { useTRPC } from "../../_lib/trpc";

/** The simulator's drill switch: makes this rollout's canary worse so gates have something to catch. */
export function RegressionSwitch(props: {
  rollout: { id: string; simulatedRegression: { errorMultiplier: number } | null };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const active = (props.rollout.simulatedRegression?.errorMultiplier ?? 1) > 1;
  const set = useMutation(
    trpc.simulator.setRegression.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.rollouts.byId.queryKey({ id: props.rollout.id }) }),
    }),
  );
  return (
    <div className="action">
      <button
        type="button"
        className="secondary"
        disabled={set.isPending}
        onClick={() => set.mutate({ id: props.rollout.id, ...(active ? NO_REGRESSION : BAD_CANARY) })}
      >
        {active ? "Stop simulated regression" : "Simulate a canary regression"}
      </button>
      {set.error ? (
        <span role="alert" className="error">
          {set.error.message}
        </span>
      ) : null}
    </div>
  );
}
