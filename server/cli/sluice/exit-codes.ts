/** What `sluice` exits with, so a pipeline can act on it. Listed in `sluice --help` and the README. */
export const EXIT = {
  OK: 0,
  /** `wait`: rolled back (a failed gate or a kill) or aborted. `analyze`: the replay rolls back. */
  FAILED: 1,
  /**
   * Bad command, flag or argument; no server or token given, or a --url that answers something other
   * than JSON (not Sluice); an unreadable or invalid scenario.
   */
  USAGE: 2,
  /** `wait`: paused or awaiting approval. `analyze`: inconclusive. A person must decide. */
  NEEDS_HUMAN: 3,
  /** `wait`: --timeout passed first. */
  TIMEOUT: 4,
  /** The server refused the request: bad input, not found, illegal transition, conflict, frozen. */
  REFUSED: 5,
  /** The token is missing, unknown, expired or revoked, or lacks the scope. */
  UNAUTHORIZED: 6,
  /** The server could not be reached, failed (5xx) or is rate limiting (429): retry later. */
  UNAVAILABLE: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  success (wait: completed; analyze: promote)
  1  wait: rolled back or aborted; analyze: rollback
  2  usage error: bad command, flag or argument, no --url/--token, a --url that does not answer
     JSON (not a Sluice server), invalid scenario file
  3  wait: paused or awaiting approval; analyze: inconclusive (a person must decide)
  4  wait: --timeout passed
  5  refused by the server (bad input, not found, illegal transition, conflict, frozen)
  6  unauthorized: token missing, revoked, expired, or lacking the scope
  7  unavailable: server unreachable, 5xx, or rate limited — retry later`;
