// The URL shortener's web service, in front of the url-visits application:
//
//   POST /links { url, code? }   creates a short link (a CreateLink command; a code is
//                                generated when none is given)
//   GET  /links/:code            the link and its visit count
//   GET  /links/:code/hourly     its visits per hour, the last 24 hours (?until= ms: up to that hour)
//   GET  /links/:code/chart      the same as a bar chart (a page for a browser)
//   GET  /r/:code                302 to the target, recording the visit on `visits`
//
// The service keeps no state of its own: links and counts are Eddy's tables, read
// through its API from whichever instance owns the code.
import { randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { Serdes } from "eddy-streams";
import type { EddyHttpClient } from "../shared/eddy-http-client.js";
import type { RecordPublisher } from "../shared/record-publisher.js";
import { installErrorHandler, parseWith } from "../shared/route-support.js";
import { hourlyChartPage, lastDayOfVisits } from "./hourly-chart.js";
import { shortCode } from "./link.js";
import type { Link, LinkCommand, Visit } from "./link.js";
import { UrlVisitsStores, UrlVisitsTopics } from "./topology.js";

export interface RedirectServiceOptions {
  /** The url-visits application's Eddy API (any instance). */
  readonly eddy: EddyHttpClient;
  readonly publisher: RecordPublisher;
  /** Where this service is reached, for the short URLs it hands out. */
  publicUrl(): string;
}

const CODE_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const GENERATED_CODE_LENGTH = 7;
const GENERATE_ATTEMPTS = 5;

function generatedCode(): string {
  let code = "";
  for (let i = 0; i < GENERATED_CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

const newLink = z.strictObject({ url: z.string(), code: shortCode.optional() });
const codeParams = z.object({ code: shortCode });
const hourlyQuery = z.strictObject({ until: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() });

export async function redirectService(app: FastifyInstance, options: RedirectServiceOptions): Promise<void> {
  const { eddy, publisher } = options;
  const shortUrl = (code: string) => `${options.publicUrl().replace(/\/+$/, "")}/r/${code}`;
  installErrorHandler(app);

  app.post("/links", async (request, reply) => {
    const body = parseWith(newLink, request.body, "link");
    const attempts = body.code === undefined ? GENERATE_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt += 1) {
      const code = body.code ?? generatedCode();
      const command: LinkCommand = { type: "CreateLink", code, url: body.url };
      const answer = await eddy.command<Link>(UrlVisitsTopics.linkCommands, command);
      if (answer.status === "accepted") {
        return reply.code(201).send({ ...answer.reply, shortUrl: shortUrl(code) });
      }
      // A generated code that is taken is tried again with another one.
      if (answer.status === "rejected" && answer.error.code === "CODE_TAKEN" && attempt < attempts) continue;
      const status = answer.status === "rejected" ? 409 : 400;
      return reply.code(status).send({
        statusCode: status,
        error: answer.status === "rejected" ? "Conflict" : "Bad Request",
        ...answer.error,
      });
    }
  });

  app.get("/links/:code", async (request, reply) => {
    const { code } = parseWith(codeParams, request.params, "path parameters");
    const [link, visits] = await Promise.all([
      eddy.get<Link>(UrlVisitsStores.links, code),
      eddy.get<number>(UrlVisitsStores.visitCounts, code),
    ]);
    if (link === undefined)
      return reply.code(404).send({ statusCode: 404, error: "Not Found", message: `There is no short link ${code}` });
    return { ...link, shortUrl: shortUrl(code), visits: visits ?? 0 };
  });

  app.get("/links/:code/hourly", async (request, reply) => {
    const { code } = parseWith(codeParams, request.params, "path parameters");
    const { until } = parseWith(hourlyQuery, request.query, "query parameters");
    const [link, hours] = await Promise.all([
      eddy.get<Link>(UrlVisitsStores.links, code),
      lastDayOfVisits(eddy, code, until ?? Date.now()),
    ]);
    if (link === undefined)
      return reply.code(404).send({ statusCode: 404, error: "Not Found", message: `There is no short link ${code}` });
    return { code, hours };
  });

  app.get("/links/:code/chart", async (request, reply) => {
    const { code } = parseWith(codeParams, request.params, "path parameters");
    return reply.type("text/html; charset=utf-8").send(hourlyChartPage(code));
  });

  app.get("/r/:code", async (request, reply) => {
    const { code } = parseWith(codeParams, request.params, "path parameters");
    const link = await eddy.get<Link>(UrlVisitsStores.links, code);
    if (link === undefined)
      return reply.code(404).send({ statusCode: 404, error: "Not Found", message: `There is no short link ${code}` });
    if (link.disabledAt !== null)
      return reply.code(410).send({ statusCode: 410, error: "Gone", message: `The short link ${code} was disabled` });
    const visit: Visit = {
      at: Date.now(),
      userAgent: request.headers["user-agent"] ?? null,
      referrer: request.headers.referer ?? null,
    };
    try {
      await publisher.publish(UrlVisitsTopics.visits, {
        key: code,
        value: visit,
        keySerde: Serdes.string(),
        valueSerde: Serdes.json<Visit>(),
        timestamp: visit.at,
      });
    } catch (error) {
      // The visitor still gets the page: a lost count is better than a broken link.
      request.log.warn({ err: error, code }, "could not record a visit");
    }
    return reply.redirect(link.url, 302);
  });
}
