/**
 * The one error type of the core. Services throw it; transports (tRPC, REST, sockets) map `code`
 * to their own status. `field` names the offending input when there is one; `forPeople`, when set, is
 * what a disabled button says instead of the message (which names ids for API clients and logs).
 */
export type AppErrorCode =
  | "NOT_FOUND"
  | "BAD_INPUT"
  | "ILLEGAL_TRANSITION"
  | "CONFLICT"
  | "FROZEN"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "UNAVAILABLE";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    readonly forPeople?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
