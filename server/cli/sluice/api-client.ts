import { CliError, usageError } from "./cli-error";
import { EXIT } from "./exit-codes";

export interface ApiClient {
  /** The server's base URL, for messages. */
  url: string;
  get<T>(path: string): Promise<T>;
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

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${root}/api/v1${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(EXIT.UNAVAILABLE, "UNAVAILABLE", `cannot reach ${root}: ${networkCause(error)}`);
    }
    const text = await response.text();
    const json = parseJson(text);
    if (response.ok) return json as T;
    throw serverError(response.status, json, text);
  }

  return {
    url: root,
    get: (path) => request("GET", path),
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
