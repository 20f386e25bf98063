"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../_components/error-alert";
import { ReasonForm } from "../../_components/reason-form";
import { useTRPC } from "../../_lib/trpc";

type Availability = { allowed: true } | { allowed: false; reason: string; code?: string };
const COMMANDS = ["start", "advance", "approve", "resume", "pause", "abort", "kill"] as const;
type Command = (typeof COMMANDS)[number];
const LABELS: Record<Command, string> = {
  start: "Start",
  advance: "Advance",
  approve: "Approve step",
  resume: "Resume",
  pause: "Pause",
  abort: "Abort",
  kill: "Kill (roll back)",
};
/** Destructive commands ask why before they run; the reason goes into the audit history. */
const NEEDS_REASON: readonly Command[] = ["abort", "kill"];

export function CommandBar(props: {
  rollout: { id: string; version: number; commands: Record<Command, Availability> };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Command | null>(null);
  const [breakingGlass, setBreakingGlass] = useState<Command | null>(null);
  // Only the last command's outcome is news; an older failure would read as this one's.
  const [last, setLast] = useState<Command | null>(null);
  const onSuccess = (updated: { id: string }) =>
    queryClient.setQueryData(trpc.rollouts.byId.queryKey({ id: updated.id }), updated as never);
  const mutations = {
    start: useMutation(trpc.rollouts.start.mutationOptions({ onSuccess })),
    advance: useMutation(trpc.rollouts.advance.mutationOptions({ onSuccess })),
    approve: useMutation(trpc.rollouts.approve.mutationOptions({ onSuccess })),
    resume: useMutation(trpc.rollouts.resume.mutationOptions({ onSuccess })),
    pause: useMutation(trpc.rollouts.pause.mutationOptions({ onSuccess })),
    abort: useMutation(trpc.rollouts.abort.mutationOptions({ onSuccess })),
    kill: useMutation(trpc.rollouts.kill.mutationOptions({ onSuccess })),
  };
  const failed = last ? mutations[last].error : null;
  const run = (command: Command, extra: { reason?: string; breakGlassReason?: string } = {}) => {
    mutations[command].mutate({
      id: props.rollout.id,
      expectedVersion: props.rollout.version,
      ...extra,
    } as never);
    setLast(command);
    setAsking(null);
    setBreakingGlass(null);
  };
  // Only a freeze can be broken, and the server lets only release managers do it (others get FORBIDDEN first).
  const frozen = COMMANDS.filter((c) => {
    const availability = props.rollout.commands[c];
    return !availability.allowed && availability.code === "FROZEN";
  });

  return (
    <section className="card command-bar" aria-label="Commands">
      <div className="actions">
        {COMMANDS.map((command) => {
          const availability = props.rollout.commands[command];
          const why = availability.allowed ? null : availability.reason;
          const pending = mutations[command].isPending;
          return (
            <button
              key={command}
              type="button"
              className={command === "kill" || command === "abort" ? "danger" : undefined}
              disabled={why !== null || pending}
              title={why ?? undefined}
              aria-describedby={why ? `why-${command}` : undefined}
              onClick={() => (NEEDS_REASON.includes(command) ? setAsking(command) : run(command))}
            >
              {pending ? `${LABELS[command]}…` : LABELS[command]}
            </button>
          );
        })}
      </div>
      <ul className="why-not">
        {COMMANDS.map((command) => {
          const availability = props.rollout.commands[command];
          return availability.allowed ? null : (
            <li key={command} id={`why-${command}`} className="muted">
              {LABELS[command]}: {availability.reason}
            </li>
          );
        })}
      </ul>
      {asking ? (
        <ReasonForm
          prompt={`Why ${asking === "kill" ? "roll back" : "abort"}? (recorded in the audit history)`}
          submitLabel={`Confirm ${LABELS[asking].toLowerCase()}`}
          onSubmit={(why) => run(asking, { reason: why })}
          onCancel={() => setAsking(null)}
        />
      ) : null}
      {frozen.length > 0 && !breakingGlass ? (
        <div className="actions">
          {frozen.map((command) => (
            <button
              key={command}
              type="button"
              className="secondary"
              onClick={() => setBreakingGlass(command)}
            >
              Break glass: {LABELS[command].toLowerCase()} despite the freeze
            </button>
          ))}
        </div>
      ) : null}
      {breakingGlass ? (
        <ReasonForm
          prompt={`Why must "${LABELS[breakingGlass].toLowerCase()}" go ahead during the freeze? (audited and shown on the rollout)`}
          submitLabel={`Break glass: ${LABELS[breakingGlass].toLowerCase()}`}
          onSubmit={(why) => run(breakingGlass, { breakGlassReason: why })}
          onCancel={() => setBreakingGlass(null)}
        />
      ) : null}
      <ErrorAlert error={failed} />
    </section>
  );
}
