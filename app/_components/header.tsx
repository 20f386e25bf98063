"use client";
import Link from "next/link";
import { signOut, useSession } from "next-auth/react";
import { closeSocket, useConnectionState } from "../_lib/socket";
import { FreezeBanner } from "./freeze-banner";

export function Header() {
  const { data: session } = useSession();
  const user = session?.user as { name?: string | null; role?: string } | undefined;
  const connection = useConnectionState();
  return (
    <>
      <header className="app-header">
        <Link href="/rollouts" className="brand">
          Sluice
        </Link>
        <nav aria-label="Main">
          <Link href="/rollouts">Rollouts</Link>
          <Link href="/incidents">Incidents</Link>
          <Link href="/slos">SLOs</Link>
          <Link href="/audit">Audit</Link>
          <Link href="/flags">Flags</Link>
          <Link href="/admin/gates">Gates</Link>
          {user?.role === "admin" ? (
            <>
              <Link href="/notifications">Notifications</Link>
              <Link href="/admin/tokens">Tokens</Link>
              <Link href="/admin/users">Users</Link>
            </>
          ) : null}
        </nav>
        {user ? (
          <div className="who">
            {/* Always present, so screen readers announce the change when the text appears. */}
            <span role="status" className="connection-status" data-testid="connection-status">
              {connection === "reconnecting" ? "Reconnecting…" : ""}
            </span>
            <span data-testid="current-user">
              {user.name} <span className="role">({user.role?.replace("_", " ")})</span>
            </span>
            <button
              type="button"
              onClick={() => {
                closeSocket();
                signOut({ callbackUrl: "/signin" });
              }}
            >
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      {user ? <FreezeBanner /> : null}
    </>
  );
}
