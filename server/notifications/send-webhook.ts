export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The whole exchange, connection to last response byte, is abandoned after this. */
  timeoutMs: number;
}

export interface WebhookResult {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** The longest error text kept in the delivery log. */
const ERROR_MAX = 500;

/**
 * POSTs one webhook and reports what happened; never throws. Success is a 2xx answer. Redirects are not
 * followed (a receiver moved elsewhere is a misconfiguration to see in the log, not to chase).
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Sluice-Notifications/1",
        ...request.headers,
      },
      body: request.body,
      redirect: "manual",
      signal,
    });
    // Read (and drop) the answer within the same deadline, so the connection is freed.
    const answer = await response.text();
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      httpStatus: response.status,
      error: ok ? null : clip(`HTTP ${response.status}${answer ? `: ${answer}` : ""}`),
      durationMs: elapsed(),
    };
  } catch (error) {
    const message = signal.aborted ? `no answer within ${request.timeoutMs} ms` : describeFetchError(error);
    return { ok: false, httpStatus: null, error: clip(message), durationMs: elapsed() };
  }
}

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND...) in its cause. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.message}: ${cause.code ?? cause.message ?? "unknown cause"}` : error.message;
}

function clip(text: string): string {
  return text.length <= ERROR_MAX ? text : `${text.slice(0, ERROR_MAX - 1)}…`;
}
