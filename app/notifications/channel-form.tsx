"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { NOTIFICATION_KINDS } from "../../server/domain/notifications/notification";
import { ErrorAlert } from "../_components/error-alert";
import { useTRPC } from "../_lib/trpc";
import styles from "./notifications.module.css";

/** Adds a webhook channel: where it posts, in which shape, and which events it receives. */
export function ChannelForm(props: { onSaved: () => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.notifications.createChannel.mutationOptions({ onSuccess: props.onSaved }));
  const [kind, setKind] = useState<"generic" | "slack">("generic");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const secret = String(form.get("secret") ?? "");
    create.mutate(
      {
        name: String(form.get("name")),
        kind,
        url: String(form.get("url")),
        events: NOTIFICATION_KINDS.filter((k) => form.get(`event-${k}`) === "on"),
        ...(kind === "generic" && secret ? { secret } : {}),
      },
      // A saved channel clears the form (and the secret typed into it).
      { onSuccess: () => element.reset() },
    );
  }

  return (
    <form className="card reason-form" onSubmit={submit} aria-label="Add a channel">
      <label>
        Name
        <input name="name" required maxLength={100} />
      </label>
      <label>
        Shape
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="generic">Generic JSON</option>
          <option value="slack">Slack-compatible</option>
        </select>
      </label>
      <label>
        Webhook URL (http or https)
        <input name="url" type="url" required placeholder="https://hooks.example.com/…" />
      </label>
      <fieldset className={styles.events}>
        <legend>Events</legend>
        {NOTIFICATION_KINDS.map((k) => (
          <label key={k}>
            <input type="checkbox" name={`event-${k}`} defaultChecked /> {k}
          </label>
        ))}
      </fieldset>
      {kind === "generic" ? (
        <label>
          Signing secret (optional, 16+ characters; shown never again)
          <input name="secret" type="password" autoComplete="off" minLength={16} />
        </label>
      ) : null}
      <button type="submit" disabled={create.isPending}>
        Add channel
      </button>
      <ErrorAlert error={create.error} />
    </form>
  );
}
