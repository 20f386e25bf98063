import type { Prisma } from "../../db/client";
import { AppError } from "../../domain/errors";

/** Channel names are unique (the log shows deliveries by name); a taken one is refused naming the field. */
export async function assertChannelNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const taken = await tx.notificationChannel.findUnique({ where: { name }, select: { id: true } });
  if (taken && taken.id !== exceptId) {
    throw new AppError("CONFLICT", `name: a channel called ${name} already exists`, "name");
  }
}

/** Only generic webhooks carry a signature; a Slack receiver would ignore it. */
export function assertSecretFits(kind: string, secret: string | null | undefined) {
  if (secret && kind !== "generic") {
    throw new AppError("BAD_INPUT", "secret: only generic webhooks are signed", "secret");
  }
}
