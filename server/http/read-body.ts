import type { IncomingMessage } from "node:http";
import { AppError } from "../domain/errors";

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body as UTF-8, refusing bodies over 1 MiB. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError("BAD_INPUT", `Request body is larger than ${limit} bytes`, "body");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
