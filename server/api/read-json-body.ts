import type { IncomingMessage } from "node:http";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "../http/read-body";
import { ApiError } from "./api-errors";

/**
 * The request body parsed as JSON; an empty body is `{}` so optional-only bodies may be left out.
 * Refuses bodies over `limit` (413) and invalid JSON (400).
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBody(req, limit).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError
      ? new ApiError("PAYLOAD_TOO_LARGE", error.message, "body")
      : error;
  });
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError("BAD_INPUT", `body: not valid JSON (${(error as Error).message})`, "body");
  }
}
