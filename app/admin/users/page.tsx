"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ROLES, type Role } from "../../../server/auth/permissions";
import { ErrorAlert } from "../../_components/error-alert";
import { RequireSession } from "../../_components/require-session";
import { useTRPC } from "../../_lib/trpc";

/** Accounts and their roles; a change is audited, ends the user's sessions and applies from their next sign-in. */
function Users() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.queryOptions());
  const setRole = useMutation(
    trpc.admin.setRole.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() }),
    }),
  );
  if (users.error) return <p role="alert">Only an admin manages users ({users.error.message}).</p>;
  return (
    <section>
      <h1>Users and roles</h1>
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
                <select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={setRole.isPending}
                  onChange={(e) => setRole.mutate({ userId: u.id, role: e.target.value as Role })}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role.replace("_", " ")}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function UsersPage() {
  return <RequireSession>{() => <Users />}</RequireSession>;
}
