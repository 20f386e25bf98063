import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes`);
  }
}

/**
 * A request body as UTF-8 text, refused past `limit` bytes: before reading when Content-Length says
 * so, else as soon as the limit is passed. The socket is left open so the 413 still reaches the client.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) =>
    collectBody(req, limit, (error, text) => (error ? reject(error) : resolve(text))),
  );
}

/**
 * readBody with a callback, called once: for hot paths that answer without waiting a promise's turn. (No
 * named closures inside: tsx's keepNames would rename each one on every request.)
 */
export function collectBody(
  req: IncomingMessage,
  limit: number,
  done: (error: Error | null, text: string) => void,
): void {
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    done(new BodyTooLargeError(limit), "");
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size <= limit) {
      chunks.push(chunk);
      return;
    }
    finished = true;
    req.pause();
    done(new BodyTooLargeError(limit), "");
  });
  req.once("end", () => {
    if (finished) return;
    finished = true;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    done(null, body.toString("utf8"));
  });
  req.once("error", (error) => {
    if (finished) return;
    finished = true;
    done(error, "");
  });
}
