"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "../_components/confirm-button";
import { ErrorAlert } from "../_components/error-alert";
import { RequireSession } from "../_components/require-session";
import { useTRPC } from "../_lib/trpc";
import { ChannelForm } from "./channel-form";
import { DeliveryLog } from "./delivery-log";

function Notifications() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const channels = useQuery(trpc.notifications.channels.queryOptions());
  // The log changes on its own as the dispatcher sends and retries.
  const deliveries = useQuery(
    trpc.notifications.deliveries.queryOptions(undefined, { refetchInterval: 5000 }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notifications.channels.queryKey() });
  const update = useMutation(trpc.notifications.updateChannel.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.notifications.deleteChannel.mutationOptions({ onSuccess: refresh }));
  const failed = update.error ?? remove.error;

  return (
    <section>
      <h1>Notifications</h1>
      <p className="muted">
        Webhooks sent on auto-rollback, kill, freeze, approval needed and step completed. Deliveries are
        retried with back-off; a receiver that fails never holds up a rollback.
      </p>
      <ChannelForm onSaved={refresh} />
      <ErrorAlert error={failed} />
      <ErrorAlert error={channels.error} />
      <table className="rollouts" data-testid="channels">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Shape</th>
            <th scope="col">Posts to</th>
            <th scope="col">Events</th>
            <th scope="col">State</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {channels.data?.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>
                {c.kind}
                {c.signed ? " (signed)" : ""}
              </td>
              <td>{c.urlPreview}</td>
              <td>{c.events.join(", ")}</td>
              <td>{c.enabled ? "enabled" : "disabled"}</td>
              <td>
                <button type="button" onClick={() => update.mutate({ id: c.id, enabled: !c.enabled })}>
                  {c.enabled ? "Disable" : "Enable"}
                </button>{" "}
                <ConfirmButton
                  label="Delete"
                  confirmLabel="Delete with its log"
                  onConfirm={() => remove.mutate({ id: c.id })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {channels.data?.length === 0 ? <p className="muted">No channel yet.</p> : null}
      <h2>Recent deliveries</h2>
      <ErrorAlert error={deliveries.error} />
      {deliveries.data ? <DeliveryLog deliveries={deliveries.data} /> : null}
    </section>
  );
}

/** The server refuses everyone without the permission; the page says so instead of showing errors. */
function IfAllowed() {
  const trpc = useTRPC();
  const me = useQuery(trpc.session.me.queryOptions());
  if (!me.data) return <p className="muted">Loading…</p>;
  return me.data.permissions.includes("notifications:manage") ? (
    <Notifications />
  ) : (
    <p className="muted">Admins manage notifications.</p>
  );
}

export default function NotificationsPage() {
  return <RequireSession>{() => <IfAllowed />}</RequireSession>;
}
