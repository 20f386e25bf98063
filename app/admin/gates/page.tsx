"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "../../_components/confirm-button";
import { ErrorAlert } from "../../_components/error-alert";
import { RequireSession } from "../../_components/require-session";
import { useTRPC } from "../../_lib/trpc";
import { GateEditor } from "./gate-editor";

function GateDefaults() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const listed = useQuery(trpc.admin.gateDefaults.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.gateDefaults.queryKey() });
  const save = useMutation(trpc.admin.setGateDefaults.mutationOptions({ onSuccess: refresh }));
  const clear = useMutation(trpc.admin.clearGateDefaults.mutationOptions({ onSuccess: refresh }));
  // A failed refetch keeps the defaults on screen, with its error beside them.
  const failed = save.error ?? clear.error ?? listed.error;
  const [service, setService] = useState("");
  const canManage = me.data?.permissions.includes("gates:manage") ?? false;
  if (!listed.data) {
    return listed.error ? (
      <ErrorAlert error={listed.error} />
    ) : (
      <p className="muted">Loading gate defaults…</p>
    );
  }

  const scope = service.trim() === "" ? {} : { service: service.trim() };
  const override = listed.data.overrides.find((o) => o.service === scope.service);
  const shown = scope.service === undefined ? listed.data.global : (override ?? listed.data.global);
  const stored = scope.service === undefined ? listed.data.globalStored : override !== undefined;
  return (
    <section>
      <h1>Gate defaults</h1>
      <p className="muted">
        The gates a new rollout&apos;s steps get when its plan names none. A rollout keeps the gates it was
        created with.{canManage ? "" : " Only an admin changes them."}
      </p>
      <label>
        Service override (blank: the global defaults){" "}
        <input list="gate-override-services" value={service} onChange={(e) => setService(e.target.value)} />
      </label>
      <datalist id="gate-override-services">
        {listed.data.overrides.map((o) => (
          <option key={o.service} value={o.service ?? ""} />
        ))}
      </datalist>
      <p data-testid="gate-source">
        {stored
          ? `Stored ${scope.service ? `for ${scope.service}` : "globally"}, last changed by ${shown.updatedBy}`
          : scope.service
            ? "No override: this service uses the global defaults"
            : "Nothing stored: the built-in defaults apply"}
      </p>
      <GateEditor
        key={`${scope.service ?? "*"}:${shown.updatedAt?.toISOString() ?? "code"}`}
        initial={shown.gates}
        disabled={!canManage}
        saving={save.isPending}
        onSave={(gates) => save.mutate({ ...scope, gates })}
      />
      {canManage && stored ? (
        <ConfirmButton
          key={scope.service ?? "*"}
          label={scope.service ? "Remove override" : "Reset to built-in defaults"}
          confirmLabel={
            scope.service ? `Discard the override of ${scope.service}` : "Discard the stored defaults"
          }
          disabled={clear.isPending}
          onConfirm={() => clear.mutate(scope)}
        />
      ) : null}
      <ErrorAlert error={failed} />
      {save.isSuccess && !save.error ? (
        <p role="status">{save.data.changed ? "Saved." : "No change."}</p>
      ) : null}
    </section>
  );
}

export default function GateDefaultsPage() {
  return <RequireSession>{() => <GateDefaults />}</RequireSession>;
}
