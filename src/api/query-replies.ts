// What every key query route shares: the routing options a request asks for (staleness,
// read-your-writes by ?position= or the x-eddy-position header, forwarded or not), and
// how a routed answer becomes the reply.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { LookupOptions, QueryAnswer } from "./key-routing.js";
import { FORWARDED_HEADER, SERVED_BY_HEADER } from "./peer-client.js";
import { POSITION_HEADER, positionText } from "./position-text.js";
import { headerValue, parseRequestPart } from "./request-parsing.js";

export function lookupOptionsOf(
  request: FastifyRequest,
  query: { allowStale: boolean; position?: LookupOptions["position"]; positionTimeoutMs: number },
): LookupOptions {
  const header = headerValue(request.headers[POSITION_HEADER]);
  const position =
    query.position ??
    (header === undefined ? undefined : parseRequestPart(positionText, header, `${POSITION_HEADER} header`));
  return {
    allowStale: query.allowStale,
    forwarded: request.headers[FORWARDED_HEADER] !== undefined,
    ...(position === undefined ? {} : { position }),
    positionTimeoutMs: query.positionTimeoutMs,
  };
}

export function sendAnswer(reply: FastifyReply, answer: QueryAnswer): FastifyReply {
  reply.code(answer.statusCode).type("application/json; charset=utf-8");
  if (answer.servedBy !== undefined) reply.header(SERVED_BY_HEADER, answer.servedBy);
  if (answer.retryAfter !== undefined) reply.header("retry-after", answer.retryAfter);
  return reply.send(answer.body);
}

export const positionHeaderDoc = {
  name: POSITION_HEADER,
  description: "The same as ?position=: the position a command's answer carried (its x-eddy-position header).",
};
