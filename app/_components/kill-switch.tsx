"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../_lib/trpc";

/**
 * The service-wide or global kill switch: asks why, and for everything also a typed confirmation. One
 * idempotency key per opened form, so a double submit or a retry rolls back only once.
 */
export function KillSwitch(props: { service?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState("");
  const [key, setKey] = useState("");
  const onSuccess = () => queryClient.invalidateQueries();
  const killService = useMutation(trpc.rollouts.killService.mutationOptions({ onSuccess }));
  const killAll = useMutation(trpc.rollouts.killAll.mutationOptions({ onSuccess }));
  const result = killService.data ?? killAll.data;
  const error = killService.error ?? killAll.error;
  const label = props.service ? `Kill every rollout of ${props.service}` : "Kill all rollouts";

  if (!open) {
    return (
      <div className="action">
        <button
          type="button"
          className="danger"
          onClick={() => {
            setKey(crypto.randomUUID());
            setOpen(true);
          }}
        >
          {label}
        </button>
        {result ? (
          <span role="status">{result.rolledBack} rollout(s) returned to last-known-good.</span>
        ) : null}
      </div>
    );
  }
  return (
    <form
      className="card reason-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (props.service)
          killService.mutate({ service: props.service, reason: reason.trim(), idempotencyKey: key });
        else killAll.mutate({ reason: reason.trim(), idempotencyKey: key, confirm: confirm as "KILL ALL" });
        setOpen(false);
      }}
    >
      <label>
        Why? (recorded in the audit history)
        <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} required />
      </label>
      {props.service ? null : (
        <label>
          Type KILL ALL to confirm
          <input value={confirm} onChange={(e) => setConfirm(e.target.value)} required pattern="KILL ALL" />
        </label>
      )}
      <button type="submit" className="danger">
        {label}
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
