"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { type ClientSafeProvider, getProviders, signIn } from "next-auth/react";
import { type FormEvent, Suspense, useEffect, useState } from "react";
import { oidcRefusalMessage } from "../../server/auth/oidc-refusals";
import { afterSignInPath, signInFailure } from "./sign-in-outcome";

function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(
    params.get("error") === "OidcRefused" ? oidcRefusalMessage(params.get("reason")) : null,
  );
  const [oidc, setOidc] = useState<ClientSafeProvider | null>(null);
  useEffect(() => {
    getProviders().then((providers) => setOidc(providers?.oidc ?? null));
  }, []);
  const [busy, setBusy] = useState(false);
  const callbackPath = () => afterSignInPath(params.get("callbackUrl"), window.location.origin);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const failure = await signInFailure(() =>
        signIn("credentials", {
          email: String(form.get("email")),
          password: String(form.get("password")),
          redirect: false,
        }),
      );
      if (failure) setError(failure);
      else router.replace(callbackPath());
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card signin" onSubmit={submit}>
      <h1>Sign in to Sluice</h1>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      {oidc ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => void signIn(oidc.id, { callbackUrl: callbackPath() })}
        >
          Sign in with {oidc.name}
        </button>
      ) : null}
    </form>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
