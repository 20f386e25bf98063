import { z } from "zod";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;
/** PostgreSQL's timestamp and Prisma's DateTime both hold years 1–9999; Sluice's history starts later. */
const EARLIEST = new Date("1970-01-01T00:00:00Z");
const LATEST = new Date("9999-12-31T23:59:59.999Z");
const FORMAT = "an ISO 8601 date or date-time with an offset, e.g. 2026-11-27 or 2026-11-27T10:00:00Z";

/**
 * One end of a time range: a Date (tRPC carries them as such) or an ISO 8601 string (a query string).
 * A bare date is its day in UTC, as a whole: `from` its first millisecond, `to` its last, so
 * from=2026-11-27&to=2026-11-27 is that day. Strings in any other shape are refused, not guessed at
 * (JavaScript's Date would read "1" as the year 2001).
 */
export function timeBound(end: "from" | "to") {
  return z
    .preprocess(
      (value) => {
        if (typeof value !== "string") return value;
        if (ISO_DATE.test(value)) {
          const day = new Date(`${value}T00:00:00Z`).getTime();
          return new Date(end === "from" ? day : day + DAY_MS - 1);
        }
        return ISO_DATE_TIME.test(value) ? new Date(value) : value;
      },
      z
        .date({ error: `must be ${FORMAT}` })
        .min(EARLIEST, "must not be before 1970")
        .max(LATEST, "must be before the year 10000"),
    )
    .meta({
      type: "string",
      format: "date-time",
      description: `${end === "from" ? "The earliest time" : "The latest time (a bare date: through its end)"}, as ${FORMAT}`,
    });
}
