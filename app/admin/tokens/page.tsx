"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { TOKEN_SCOPES, type TokenScope } from "../../../server/services/tokens/token-scopes";
import { tokenState } from "../../../server/services/tokens/token-state";
import { ConfirmButton } from "../../_components/confirm-button";
import { ErrorAlert } from "../../_components/error-alert";
import { RequireSession } from "../../_components/require-session";
import { useTRPC } from "../../_lib/trpc";

const when = (date: Date | null) => (date ? date.toLocaleString() : "—");

/** Machine tokens: created here and shown once, listed with when each was last used, revoked at once. */
function Tokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  const [scopes, setScopes] = useState<TokenScope[]>(["read"]);

  // The server says why (a role without the right, the database away); a failed refresh keeps the list.
  if (tokens.error && !tokens.data) return <ErrorAlert error={tokens.error} />;

  const now = Date.now();
  const rows = tokens.data?.map((t) => ({ ...t, state: tokenState(t, now) }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = String(form.get("expiresAt") ?? "");
    create.mutate({
      name: String(form.get("name")),
      scopes,
      // The end of the chosen day in the admin's own time zone, as the list shows it (no "Z": local time).
      ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`) } : {}),
    });
  }

  return (
    <section>
      <h1>API tokens</h1>
      <ErrorAlert error={tokens.error} />
      <form className="card reason-form" onSubmit={submit} aria-label="Create an API token">
        <label>
          Name
          <input name="name" required minLength={1} maxLength={100} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {TOKEN_SCOPES.map((scope) => (
            <label key={scope} className="inline">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />{" "}
              {scope}
            </label>
          ))}
        </fieldset>
        <label>
          Expires (optional, at the end of that day)
          <input name="expiresAt" type="date" />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <ErrorAlert error={create.error} />
      {create.data ? (
        <p className="card" role="status" data-testid="new-token">
          Copy it now, it is shown only once: <code>{create.data.secret}</code>
        </p>
      ) : null}
      <ErrorAlert error={revoke.error} />
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {rows?.map((t) => (
            <tr key={t.id} data-testid={`token-${t.name}`}>
              <td data-label="Name">{t.name}</td>
              <td data-label="Scopes">{t.scopes.join(", ")}</td>
              <td data-label="Created">
                {when(t.createdAt)} by {t.createdBy}
              </td>
              <td data-label="Expires">{when(t.expiresAt)}</td>
              <td data-label="Last used">{t.lastUsedAt ? when(t.lastUsedAt) : "never"}</td>
              <td data-label="State">
                {t.state.kind === "active" ? "active" : `${t.state.kind} ${when(t.state.since)}`}
              </td>
              <td>
                {t.state.kind !== "active" ? null : (
                  <ConfirmButton
                    label={`Revoke ${t.name}`}
                    confirmLabel="Revoke for good"
                    disabled={revoke.isPending}
                    onConfirm={() => revoke.mutate({ id: t.id })}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data?.length === 0 ? <p className="muted">No API token yet.</p> : null}
    </section>
  );
}

export default function TokensPage() {
  return <RequireSession>{() => <Tokens />}</RequireSession>;
}
