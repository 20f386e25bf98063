"use client";
import { type ReactNode, useState } from "react";

/**
 * Asks why before a destructive action (the reason goes into the audit history). `children` can add
 * fields, such as a typed confirmation.
 */
export function ReasonForm(props: {
  prompt: ReactNode;
  submitLabel: string;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const [reason, setReason] = useState("");
  return (
    <form
      className="card reason-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(reason.trim());
      }}
    >
      <label>
        {props.prompt}
        <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} required />
      </label>
      {props.children}
      <button type="submit" className="danger">
        {props.submitLabel}
      </button>
      <button type="button" className="secondary" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
