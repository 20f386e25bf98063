/** One element of an instant vector: its labels and its value (which may be NaN or ±Inf). */
export interface VectorElement {
  labels: Record<string, string>;
  value: number;
}

/** Why a query gave no answer; the provider logs it and writes no sample. */
export class PrometheusQueryError extends Error {
  override readonly name = "PrometheusQueryError";
}

interface QueryResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * Evaluates an instant query (`/api/v1/query`) at `timeMs`. A query that does not answer within
 * `timeoutMs` (Prometheus down, slow, or unreachable) is aborted and throws, as does any refusal.
 * Prometheus' own `timeout` parameter is set too, so it gives up on the query instead of computing on.
 */
export async function queryInstant(
  baseUrl: string,
  promql: string,
  options: { timeMs: number; timeoutMs: number },
): Promise<VectorElement[]> {
  const url = new URL("api/v1/query", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  const body = new URLSearchParams({
    query: promql,
    time: (options.timeMs / 1000).toFixed(3),
    timeout: `${Math.max(1, Math.floor(options.timeoutMs))}ms`,
  });
  let response: Response;
  let payload: QueryResponse;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    payload = (await response.json()) as QueryResponse;
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
        ? `no answer within ${options.timeoutMs} ms`
        : describeCause(error);
    throw new PrometheusQueryError(`Prometheus at ${url.origin}: ${reason}`);
  }
  if (!response.ok || payload.status !== "success") {
    const detail = payload.error
      ? `${payload.errorType ?? "error"}: ${payload.error}`
      : `HTTP ${response.status}`;
    throw new PrometheusQueryError(`Prometheus refused the query (${detail}): ${promql}`);
  }
  if (payload.data?.resultType !== "vector" || !Array.isArray(payload.data.result)) {
    throw new PrometheusQueryError(
      `Prometheus returned a ${payload.data?.resultType ?? "malformed"} result, expected an instant vector: ${promql}`,
    );
  }
  return payload.data.result.flatMap(toElement);
}

function toElement(raw: unknown): VectorElement[] {
  if (typeof raw !== "object" || raw === null) return [];
  const { metric, value } = raw as { metric?: unknown; value?: unknown };
  if (!Array.isArray(value) || typeof value[1] !== "string") return [];
  const labels: Record<string, string> = {};
  if (typeof metric === "object" && metric !== null) {
    for (const [name, label] of Object.entries(metric)) if (typeof label === "string") labels[name] = label;
  }
  // Prometheus spells special values "NaN", "+Inf", "-Inf"; Number() reads the first as NaN only.
  const text = value[1];
  const parsed = text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
  return [{ labels, value: parsed }];
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
