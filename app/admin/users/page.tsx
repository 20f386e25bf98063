"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ROLES, type Role } from "../../../server/auth/permissions";
import { ErrorAlert } from "../../_components/error-alert";
import { RequireSession } from "../../_components/require-session";
import { useTRPC } from "../../_lib/trpc";

/**
 * One account's role, changed only by an explicit Save: each change ends the user's sessions and is
 * audited, so browsing the options (arrow keys fire a change per step) must not apply them.
 */
function RoleChoice(props: {
  user: { id: string; email: string; role: Role };
  self: boolean;
  saving: boolean;
  onSave: (role: Role) => void;
}) {
  const [role, setRole] = useState(props.user.role);
  return (
    <>
      <select
        aria-label={`Role of ${props.user.email}`}
        value={role}
        disabled={props.self || props.saving}
        onChange={(e) => setRole(e.target.value as Role)}
      >
        {ROLES.map((each) => (
          <option key={each} value={each}>
            {each.replace("_", " ")}
          </option>
        ))}
      </select>{" "}
      {/* The server refuses an admin's own demotion: the row says so rather than offering it. */}
      {props.self ? (
        <span className="muted">your own: another admin changes it</span>
      ) : (
        <button
          type="button"
          disabled={props.saving || role === props.user.role}
          onClick={() => props.onSave(role)}
        >
          Save
        </button>
      )}
    </>
  );
}

/** Accounts and their roles; a change is audited, ends the user's sessions and applies from their next sign-in. */
function Users({ me }: { me: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.queryOptions());
  const setRole = useMutation(
    trpc.admin.setRole.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() }),
    }),
  );
  // The server says why (a role without the right, the database away); a failed refresh keeps the list.
  if (users.error && !users.data) return <ErrorAlert error={users.error} />;
  return (
    <section>
      <h1>Users and roles</h1>
      <ErrorAlert error={users.error} />
      <ErrorAlert error={setRole.error} />
      <table className="rollouts">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <tr key={u.id}>
              <td data-label="Name">{u.name}</td>
              <td data-label="Email">{u.email}</td>
              <td data-label="Role">
                <RoleChoice
                  // A new key when the stored role changes, so the choice starts again from it.
                  key={u.role}
                  user={u}
                  self={u.id === me}
                  saving={setRole.isPending}
                  onSave={(role) => setRole.mutate({ userId: u.id, role })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function UsersPage() {
  return <RequireSession>{(user) => <Users me={user.id} />}</RequireSession>;
}
