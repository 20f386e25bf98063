"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../_lib/trpc";
import { ReasonForm } from "./reason-form";

/**
 * The service-wide or global kill switch: asks why, and for everything also a typed confirmation. One
 * idempotency key per opening of the form, so a double submit repeats nothing. The server holds a key to
 * the rollouts its first call covered, so a retry in a reopened form after a failure is a new request:
 * it reaches every rollout active by then, and those already rolled back are no longer active.
 */
export function KillSwitch(props: { service?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState("");
  const [key, setKey] = useState("");
  const onSuccess = () => queryClient.invalidateQueries();
  const killService = useMutation(trpc.rollouts.killService.mutationOptions({ onSuccess }));
  const killAll = useMutation(trpc.rollouts.killAll.mutationOptions({ onSuccess }));
  const result = killService.data ?? killAll.data;
  const error = killService.error ?? killAll.error;
  const label = props.service ? `Kill every rollout of ${props.service}` : "Kill all rollouts";

  return (
    <div className="action">
      {open ? (
        <ReasonForm
          prompt="Why? (recorded in the audit history)"
          submitLabel={label}
          onSubmit={(reason) => {
            if (props.service) killService.mutate({ service: props.service, reason, idempotencyKey: key });
            else killAll.mutate({ reason, idempotencyKey: key, confirm: confirm as "KILL ALL" });
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        >
          {props.service ? null : (
            <label>
              Type KILL ALL to confirm
              <input
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                required
                pattern="KILL ALL"
              />
            </label>
          )}
        </ReasonForm>
      ) : (
        <button
          type="button"
          className="danger"
          onClick={() => {
            setKey(crypto.randomUUID());
            setConfirm("");
            setOpen(true);
          }}
        >
          {label}
        </button>
      )}
      {result ? <span role="status">{result.rolledBack} rollout(s) returned to last-known-good.</span> : null}
      {error ? (
        <span role="alert" className="error">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}
