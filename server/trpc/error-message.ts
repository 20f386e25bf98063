import type { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError } from "../domain/errors";
import { describeZodError } from "../validation/zod-issue";

/**
 * What a client reads of a tRPC error: one line, plus the input field it names (if any) so a form can
 * mark it. Bad input reads "field: message", as on /api/v1 — zod's own message is a JSON list of issues
 * that no page should have to unpick. Other refusals (not found, frozen, conflict…) keep their sentence,
 * which already says what is wrong, and still carry their field.
 */
export function clientErrorMessage(error: TRPCError): { message: string; field?: string } {
  const cause = error.cause;
  if (error.code === "BAD_REQUEST" && cause instanceof ZodError) return describeZodError(cause, "input");
  if (!(cause instanceof AppError) || !cause.field) return { message: error.message };
  const { field, message } = cause;
  const named = cause.code !== "BAD_INPUT" || message.startsWith(`${field}:`);
  return { message: named ? message : `${field}: ${message}`, field };
}
