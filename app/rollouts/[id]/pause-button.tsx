"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../_lib/trpc";

const PAUSABLE = ["draft", "running"];

/** Pause, shown to everyone but disabled with the reason when the server would refuse it. */
export function PauseButton(props: { rollout: { id: string; state: string }; allowed: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pause = useMutation(
    trpc.rollouts.pause.mutationOptions({
      onSuccess: (updated) =>
        queryClient.setQueryData(trpc.rollouts.byId.queryKey({ id: updated.id }), updated),
    }),
  );
  const why = !props.allowed
    ? "Your role may not pause rollouts"
    : !PAUSABLE.includes(props.rollout.state)
      ? `A ${props.rollout.state} rollout cannot be paused`
      : null;
  return (
    <div className="action">
      <button
        type="button"
        disabled={why !== null || pause.isPending}
        title={why ?? undefined}
        onClick={() => pause.mutate({ id: props.rollout.id })}
      >
        {pause.isPending ? "Pausing…" : "Pause"}
      </button>
      {why ? <span className="muted">{why}</span> : null}
      {pause.error ? (
        <span role="alert" className="error">
          {pause.error.message}
        </span>
      ) : null}
    </div>
  );
}
