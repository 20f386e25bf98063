import type { Prisma } from "./generated/client";

/**
 * Plain data (interfaces of numbers, strings, arrays) is valid JSON, but TypeScript cannot see that an
 * interface without an index signature fits Prisma's JSON input type. This names that one cast.
 */
export function asJson<T extends object>(value: T): Prisma.InputJsonValue {
  return value as unknown as Prisma.InputJsonValue;
}
