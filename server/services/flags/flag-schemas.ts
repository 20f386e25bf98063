import { z } from "zod";
import { AppError } from "../../domain/errors";
import { OPERATORS } from "../../domain/flags";
import { withoutReservedKeys } from "../../validation/reserved-keys";
import { exact, NOT_EXACT, NOT_STORABLE, storable, storableJson, text } from "../../validation/text";
import { describeZodError } from "../../validation/zod-issue";

/** Flag and segment keys: what SDKs send, so plain and URL-safe. */
export const flagKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "use 1-100 letters, digits, '.', '_' or '-', starting alphanumeric",
  );

const str = (max: number) => z.string().max(max).refine(storable, NOT_STORABLE);

const name = z.string().trim().min(1, "a name is required").max(100).refine(storable, NOT_STORABLE);
const scalar = z.union([str(500), z.number(), z.boolean()], {
  error: "must be a string, a number or a boolean",
});

/** An object variant's limits: SDKs receive it on every evaluation, so it stays small and shallow. */
const MAX_OBJECT_DEPTH = 32;
const MAX_OBJECT_CHARS = 10_000;

const boundedJsonObject = withoutReservedKeys(z.record(z.string(), z.unknown()), MAX_OBJECT_DEPTH)
  .refine((value) => JSON.stringify(value).length <= MAX_OBJECT_CHARS, {
    error: `must be at most ${MAX_OBJECT_CHARS} characters as JSON`,
    abort: true,
  })
  .pipe(z.record(z.string(), z.json()).refine(storableJson, NOT_STORABLE));

export const variantSchema = z.strictObject({
  name,
  value: z.union([z.boolean(), str(10_000), z.number(), boundedJsonObject], {
    error: "must be a boolean, a string, a number or a JSON object",
  }),
});

export const attributeConditionSchema = z.strictObject({
  attribute: str(200).trim().min(1, "name the context attribute"),
  operator: z.enum(OPERATORS),
  values: z.array(scalar).max(1000),
});

export const conditionSchema = z.union([
  attributeConditionSchema,
  z.strictObject({ segment: flagKeySchema, negate: z.boolean().optional() }),
]);

export const ruleSchema = z.strictObject({
  name,
  conditions: z.array(conditionSchema).max(20),
  serve: z.union([
    z.strictObject({ variant: name }),
    z.strictObject({
      split: z
        .array(z.strictObject({ variant: name, weight: z.number().int().min(0).max(1_000_000) }))
        .max(50),
    }),
  ]),
});

const percentageSchema = z.number().min(0).max(100).nullable();

/** The editable parts of a flag, each optional on update. */
export const flagConfigSchema = z.strictObject({
  description: str(1000).trim(),
  variants: z.array(variantSchema).min(1, "a flag needs at least one variant").max(50),
  defaultVariant: name,
  offVariant: name,
  rules: z.array(ruleSchema).max(100),
  percentageVariant: name.nullable(),
  percentage: percentageSchema,
  enabled: z.boolean(),
  temporary: z.boolean(),
});

export const createFlagSchema = flagConfigSchema
  .partial({
    description: true,
    rules: true,
    percentageVariant: true,
    percentage: true,
    enabled: true,
    temporary: true,
  })
  .extend({ key: flagKeySchema, service: text(200) });
export type CreateFlagInput = z.input<typeof createFlagSchema>;

export const updateFlagSchema = flagConfigSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "change at least one field");
export type FlagPatch = z.input<typeof updateFlagSchema>;

export const saveSegmentSchema = z.strictObject({
  key: flagKeySchema,
  description: str(1000).trim().optional(),
  includedKeys: z
    .array(str(200).min(1, "must not be empty").refine(exact, NOT_EXACT))
    .max(10_000)
    .default([]),
  rules: z
    .array(z.strictObject({ conditions: z.array(attributeConditionSchema).min(1).max(20) }))
    .max(100)
    .default([]),
});
export type SaveSegmentInput = z.input<typeof saveSegmentSchema>;

/** Parses a use case's input; the first problem becomes BAD_INPUT naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const { field, message } = describeZodError(result.error, "input");
  throw new AppError("BAD_INPUT", message, field);
}
