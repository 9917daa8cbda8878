// POST /commands/:topic: validates the body, produces the command, waits for its reply.
// 200 accepted, 409 rejected (a business rule said no), 422 invalid (the handler found
// the command malformed), 504 when no reply came in time. The answer is the handler's
// reply envelope plus the correlation id, and whether it was replayed for a repeated
// Idempotency-Key (then nothing was applied a second time).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SerializationError } from "../serdes/errors.js";
import type { ApiContext } from "./api-context.js";
import type { ResolvedCommandEndpoint } from "./command-registry.js";
import {
  InvalidCommandBodyError,
  InvalidKeyError,
  InvalidRequestError,
  UnavailableError,
  toApiIssues,
} from "./errors.js";
import type { ApiIssue } from "./errors.js";
import { parseKeyText } from "./key-text.js";
import { POSITION_HEADER, formatPosition } from "./position-text.js";
import type { RouteDoc } from "./openapi.js";
import { headerValue, parseRequestPart } from "./request-parsing.js";
import {
  commandAccepted,
  commandInvalid,
  commandParams,
  commandQuery,
  commandRejected,
  errorBody,
} from "./route-schemas.js";

export const REPLY_STATUS_HEADER = "eddy-reply-status";
export const CORRELATION_ID_HEADER = "x-eddy-correlation-id";
/** The HTTP status of each reply status (docs/errors.md lists it with the codes). */
export const COMMAND_REPLY_HTTP_STATUS = { accepted: 200, rejected: 409, invalid: 422 } as const;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

export function commandRoutes(ctx: ApiContext) {
  return async function commandPlugin(app: FastifyInstance): Promise<void> {
    app.post("/commands/:topic", async (request, reply) => {
      const started = performance.now();
      const { topic } = parseRequestPart(commandParams, request.params, "path parameters");
      const query = parseRequestPart(commandQuery, request.query, "query parameters");
      const endpoint = ctx.commands.get(topic);
      const body: unknown = request.body;
      if (endpoint.schema !== undefined) {
        const parsed = endpoint.schema.safeParse(body);
        if (!parsed.success) throw new InvalidCommandBodyError(topic, toApiIssues(parsed.error.issues));
      } else if (body === undefined) {
        throw new InvalidCommandBodyError(topic, [{ code: "invalid_type", path: [], message: "expected a JSON body" }]);
      }
      const idempotencyKey = headerValue(request.headers["idempotency-key"]);
      if (
        idempotencyKey !== undefined &&
        (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
      ) {
        throw new InvalidRequestError("Idempotency-Key header", [
          {
            code: "too_big",
            path: ["Idempotency-Key"],
            message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
          },
        ]);
      }
      const key = commandKey(endpoint, body, query.key);
      const keyBytes = serialize(endpoint, key, "key");
      const valueBytes = serialize(endpoint, body, "value");
      const gateway = ctx.gateway;
      if (gateway === undefined) {
        throw new UnavailableError(
          "This API was started without Kafka connection settings, so it cannot send commands",
          60,
        );
      }
      let result;
      try {
        result = await gateway.send(topic, keyBytes, valueBytes, {
          timeoutMs: query.timeoutMs,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        });
      } catch (error) {
        ctx.metrics.observeCommand(topic, "timeout", started);
        throw error;
      }
      const { envelope } = result;
      ctx.metrics.observeCommand(topic, envelope.status, started);
      const position = formatPosition([result.position]);
      return reply
        .code(COMMAND_REPLY_HTTP_STATUS[envelope.status])
        .header(REPLY_STATUS_HEADER, envelope.status)
        .header(CORRELATION_ID_HEADER, result.correlationId)
        .header(POSITION_HEADER, position)
        .send({ ...envelope, correlationId: result.correlationId, replayed: result.replayed, position });
    });
  };
}

function commandKey(endpoint: ResolvedCommandEndpoint, body: unknown, keyText: string | undefined): unknown {
  if (endpoint.keyField !== undefined) {
    const value =
      typeof body === "object" && body !== null ? (body as Record<string, unknown>)[endpoint.keyField] : undefined;
    if (value === undefined || value === null) {
      throw new InvalidCommandBodyError(endpoint.topic, [
        {
          code: "invalid_type",
          path: [endpoint.keyField],
          message: `the command key: required (field "${endpoint.keyField}")`,
        },
      ]);
    }
    return value;
  }
  if (keyText === undefined) {
    throw new InvalidRequestError("query parameters", [
      { code: "invalid_type", path: ["key"], message: "the command key (the aggregate id) is required: ?key=..." },
    ]);
  }
  return parseKeyText(endpoint.topic, endpoint.keySerde.name, endpoint.keyParser, keyText);
}

function serialize(endpoint: ResolvedCommandEndpoint, data: unknown, part: "key" | "value"): Buffer {
  const serde = part === "key" ? endpoint.keySerde : endpoint.valueSerde;
  try {
    return serde.serialize(data, { topic: endpoint.topic, part });
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error;
    if (part === "key") throw new InvalidKeyError(endpoint.topic, serde.name, error.message, { cause: error });
    const details = (error as { details?: unknown }).details;
    const issues: ApiIssue[] = Array.isArray(details)
      ? toApiIssues(details as { code: string; path: PropertyKey[]; message: string }[])
      : [{ code: "custom", path: [], message: error.message }];
    throw new InvalidCommandBodyError(endpoint.topic, issues);
  }
}

export function commandRouteDocs(ctx: ApiContext): RouteDoc[] {
  return ctx.commands.endpoints().map((endpoint) => ({
    method: "POST",
    path: `/commands/${endpoint.topic}`,
    tag: "commands",
    summary: endpoint.description ?? `Send a command to "${endpoint.topic}" and wait for its reply`,
    description:
      `Handled by ${endpoint.handlers.join(", ") || "the topology"}. ` +
      (endpoint.keyField === undefined
        ? "The command key is the ?key= query parameter. "
        : `The command key is the body field "${endpoint.keyField}". `) +
      "The command goes out with a fresh correlation-id and this instance's reply topic in reply-to.",
    query: endpoint.keyField === undefined ? commandQuery : commandQuery.omit({ key: true }),
    body: endpoint.schema ?? z.unknown(),
    bodyDescription:
      endpoint.schema === undefined ? "Any JSON; the command handler validates it (422 when invalid)." : undefined,
    headers: [
      {
        name: "Idempotency-Key",
        description: "A retried command with the same key gets the first reply and is not applied twice.",
      },
    ],
    responses: {
      200: { description: "Accepted: the handler's reply", schema: commandAccepted },
      400: {
        description: "The body does not match the command schema, or the key is missing or invalid",
        schema: errorBody,
      },
      404: { description: "No command endpoint for this topic", schema: errorBody },
      409: { description: "Rejected by a business rule", schema: commandRejected },
      422: { description: "The handler found the command invalid", schema: commandInvalid },
      503: { description: "Commands cannot be sent right now", schema: errorBody },
      504: {
        description: "No reply in time (the command may still be applied: retry with the same Idempotency-Key)",
        schema: errorBody,
      },
    },
  }));
}
