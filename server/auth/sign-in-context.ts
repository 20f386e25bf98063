import { AsyncLocalStorage } from "node:async_hooks";

/** What the HTTP layer knows about a sign-in request that next-auth's callbacks do not receive. */
export interface SignInRequest {
  /** The client's address, as the server determined it (never a client-supplied header). */
  address: string;
}

export const signInRequest = new AsyncLocalStorage<SignInRequest>();

export const currentSignInAddress = () => signInRequest.getStore()?.address ?? "unknown";
