"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../_lib/trpc";

type Availability = { allowed: true } | { allowed: false; reason: string };

/** Pause, shown to everyone but disabled with the server's reason when it would be refused. */
export function PauseButton(props: { rollout: { id: string; commands: { pause: Availability } } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pause = useMutation(
    trpc.rollouts.pause.mutationOptions({
      onSuccess: (updated) => queryClient.setQueryData(trpc.rollouts.byId.queryKey({ id: updated.id }), updated),
    }),
  );
  const availability = props.rollout.commands.pause;
  const why = availability.allowed ? null : availability.reason;
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
