// What the examples' own HTTP routes share: request parsing with zod (a 400 naming the
// bad field) and passing the Eddy API's errors on (a 503 keeps its Retry-After).
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodType } from "zod";
import { EddyHttpError } from "./eddy-http-client.js";

export class BadRequestError extends Error {
  readonly issues: ReadonlyArray<{ path: string; message: string }>;

  constructor(where: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super(`Invalid ${where}: ${issues.map((issue) => `${issue.path || "(body)"}: ${issue.message}`).join("; ")}`);
    this.name = "BadRequestError";
    this.issues = issues;
  }
}

export function parseWith<T>(schema: ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new BadRequestError(
    where,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  );
}

/** The error handler of an example's routes: client errors, upstream errors, and the rest as 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply: FastifyReply) => {
    if (error instanceof BadRequestError) {
      return reply
        .code(400)
        .send({ statusCode: 400, error: "Bad Request", message: error.message, issues: error.issues });
    }
    if (error instanceof EddyHttpError) {
      // The request itself was bad (a command body the endpoint's schema refuses): say so, with the issues.
      if (error.status === 400) return reply.code(400).send(error.body);
      // The state is moving between instances or restoring: the client may retry shortly.
      if (error.status === 503) {
        reply.header("retry-after", String(error.retryAfterSeconds ?? 1));
        return reply.code(503).send({ statusCode: 503, error: "Service Unavailable", message: error.message });
      }
      request.log.error({ err: error }, "the Eddy API answered with an error");
      return reply.code(502).send({ statusCode: 502, error: "Bad Gateway", message: error.message });
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return reply.code(status).send({ statusCode: status, error: "Bad Request", message: (error as Error).message });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({
      statusCode: 500,
      error: "Internal Server Error",
      message: error instanceof Error ? error.message : String(error),
    });
  });
}
