"use client";
import { useState } from "react";

/**
 * A destructive action that takes two clicks: the first asks, the second (which says what will happen)
 * does it. Where the audit history wants a reason, use ReasonForm instead.
 */
export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="secondary" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={props.disabled}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>{" "}
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </>
  );
}
