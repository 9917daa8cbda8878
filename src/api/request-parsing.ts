// Request parts through zod: a failure is a 400 that carries the zod issues, so a
// client sees which parameter was wrong and why.
import type { ZodType } from "zod";
import { InvalidRequestError, toApiIssues } from "./errors.js";

export function parseRequestPart<T>(schema: ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data ?? {});
  if (!result.success) throw new InvalidRequestError(what, toApiIssues(result.error.issues));
  return result.data;
}

/** A header's single value (the last one when repeated), or undefined. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}
