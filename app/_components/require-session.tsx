"use client";
import { useRouter } from "next/navigation";
import { useSession } from "next-auth/react";
import type { ReactNode } from "react";

export interface SessionUser {
  id: string;
  name: string;
  role: string;
}

/** The sign-in page, which comes back to this one afterwards. */
export function signInPath(): string {
  return `/signin?callbackUrl=${encodeURIComponent(window.location.pathname)}`;
}

/** Renders its children only for a signed-in user; everyone else is sent to the sign-in page. */
export function RequireSession({ children }: { children: (user: SessionUser) => ReactNode }) {
  const router = useRouter();
  const { data, status } = useSession({
    required: true,
    onUnauthenticated: () => router.replace(signInPath()),
  });
  if (status !== "authenticated") return <p className="muted">Checking your session…</p>;
  return <>{children(data.user as SessionUser)}</>;
}
