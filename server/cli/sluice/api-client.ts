import { CliError, usageError } from "./cli-error";
import { EXIT } from "./exit-codes";

export interface ApiClient {
  /** The server's base URL, for messages. */
  url: string;
  /** `signal` is the caller's own limit (e.g. `wait`'s deadline): when it fires, its reason is thrown. */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** `body` is sent as JSON, so fields left undefined are left out. */
  post<T>(path: string, body: unknown): Promise<T>;
}

/** One request may take this long before the server counts as unavailable. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A client of /api/v1 that turns every failure into a CliError with the right exit code. */
export function createApiClient(baseUrl: string, token: string): ApiClient {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw usageError(`--url: not a URL: ${baseUrl}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw usageError(`--url: use an http or https URL, not ${baseUrl}`);
  const root = base.href.replace(/\/+$/, "");

  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const cap = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response | undefined;
    let text: string;
    try {
      response = await fetch(`${root}/api/v1${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([cap, signal]) : cap,
      });
      // The body can fail too (the connection cut mid-answer): the same outage, retried by `wait`.
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const what = response ? `answer from ${root} cut off` : `cannot reach ${root}`;
      throw new CliError(EXIT.UNAVAILABLE, "UNAVAILABLE", `${what}: ${networkCause(error)}`);
    }
    const json = parseJson(text);
    if (!response.ok) throw serverError(response.status, json, text);
    // Every success of /api/v1 is JSON; anything else is some other server (a wrong URL, an SSO
    // proxy's login page), which no retry will change.
    if (json === null) {
      const type = response.headers.get("content-type") ?? "no content type";
      throw new CliError(
        EXIT.USAGE,
        "NOT_JSON",
        `the server at ${root} did not answer JSON (HTTP ${response.status}, ${type}): ` +
          "is SLUICE_URL (or --url) Sluice's address?",
      );
    }
    return json as T;
  }

  return {
    url: root,
    get: (path, signal) => request("GET", path, undefined, signal),
    post: (path, body) => request("POST", path, body),
  };
}

/** The server's `{code, message, field}`, with the exit code its status calls for. */
function serverError(status: number, json: unknown, text: string): CliError {
  const body = (json ?? {}) as { code?: unknown; message?: unknown; field?: unknown };
  const code = typeof body.code === "string" ? body.code : `HTTP_${status}`;
  const message = typeof body.message === "string" ? body.message : text.slice(0, 200) || "(no body)";
  const field = typeof body.field === "string" ? body.field : undefined;
  const exitCode =
    status === 401 || status === 403
      ? EXIT.UNAUTHORIZED
      : status === 429 || status >= 500
        ? EXIT.UNAVAILABLE
        : EXIT.REFUSED;
  return new CliError(exitCode, code, message, { field, status });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
