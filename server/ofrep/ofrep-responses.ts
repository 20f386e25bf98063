import { createHash } from "node:crypto";
import {
  type FlagErrorCode,
  type FlagEvaluation,
  type FlagValue,
  isEvaluationError,
  type ResolutionReason,
} from "../domain/flags";

/** OFREP error codes: the evaluation's, plus PARSE_ERROR for a body that is not an evaluation request. */
export type OfrepErrorCode = FlagErrorCode | "PARSE_ERROR";

/**
 * What OpenFeature hooks read from `flagMetadata` (primitives only, as the SDKs keep nothing else): the
 * variant, and for a flag a rollout drives, the caller's cohort, so applications can tag their metrics,
 * logs and traces canary or baseline (`feature_flag.result.variant`, a `sluice.cohort` attribute).
 */
export interface OfrepMetadata {
  variant: string;
  cohort?: "canary" | "baseline";
}

export interface OfrepSuccess {
  key: string;
  value: FlagValue;
  reason: ResolutionReason;
  variant: string;
  metadata: OfrepMetadata;
}

export interface OfrepFailure {
  key: string;
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

/** The spec's bulkEvaluationFailure: the whole bulk request is refused (400), so there is no flag key. */
export interface OfrepBulkFailure {
  errorCode: OfrepErrorCode;
  errorDetails: string;
}

/** The OFREP body of one evaluation, success or failure. */
export function toOfrepBody(evaluation: FlagEvaluation): OfrepSuccess | OfrepFailure {
  if (isEvaluationError(evaluation)) {
    return { key: evaluation.key, errorCode: evaluation.errorCode, errorDetails: evaluation.errorDetails };
  }
  const metadata: OfrepMetadata = { variant: evaluation.variant };
  if (evaluation.cohort !== null) metadata.cohort = evaluation.cohort;
  return {
    key: evaluation.key,
    value: evaluation.value,
    reason: evaluation.reason,
    variant: evaluation.variant,
    metadata,
  };
}

/** The spec's status for an error code of a single evaluation. */
export function errorStatus(code: OfrepErrorCode): 400 | 404 | 500 {
  switch (code) {
    case "PARSE_ERROR":
    case "TARGETING_KEY_MISSING":
    case "INVALID_CONTEXT":
      return 400;
    case "FLAG_NOT_FOUND":
      return 404;
    case "GENERAL":
      return 500;
  }
}

/** A strong validator of a bulk answer: the same flags and context give the same body, so the same tag. */
export function entityTag(body: string): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

/** If-None-Match (RFC 9110 §13.1.2, weak comparison): `*` or any listed tag equal to ours. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return (t.startsWith("W/") ? t.slice(2) : t) === etag;
  });
}
