// The examples the demo runs: each an Eddy application (its module, its config file, its
// topics) and the web routes that sit in front of it.
import type { FastifyInstance } from "fastify";
import type { EddyApp } from "eddy-streams/api";
import { bankRoutes } from "../bank/bank-routes.js";
import bankApp, { topics as bankTopics } from "../bank/app.js";
import { orderRoutes } from "../orders/order-routes.js";
import ordersApp, { topics as orderTopics } from "../orders/app.js";
import type { EddyHttpClient } from "../shared/eddy-http-client.js";
import type { RecordPublisher, TopicSpec } from "../shared/record-publisher.js";
import urlVisitsApp, { topics as urlVisitsTopics } from "../url-visits/app.js";
import { redirectService } from "../url-visits/redirect-service.js";

export type ExampleName = "url-visits" | "bank" | "orders";

export interface RouteContext {
  readonly eddy: EddyHttpClient;
  readonly publisher: RecordPublisher;
  /** Where the web server is reached (known once it listens). */
  publicUrl(): string;
}

export interface ExampleDefinition {
  readonly name: ExampleName;
  readonly summary: string;
  readonly app: EddyApp;
  readonly topics: readonly TopicSpec[];
  /** Its config file, read after config/defaults.json. */
  readonly configFile: URL;
  /** Its own environment variables: EDDY_BANK_APPLICATION_SERVER overrides EDDY_APPLICATION_SERVER for the bank. */
  readonly envPrefix: string;
  registerRoutes(app: FastifyInstance, context: RouteContext): Promise<void>;
}

export const CONFIG_DIR = new URL("../../config/", import.meta.url);
export const DEFAULTS_FILE = new URL("defaults.json", CONFIG_DIR);

export const EXAMPLES: readonly ExampleDefinition[] = [
  {
    name: "url-visits",
    summary: "short links, redirects, visits counted per code",
    app: urlVisitsApp,
    topics: urlVisitsTopics,
    configFile: new URL("url-visits.json", CONFIG_DIR),
    envPrefix: "EDDY_URL_VISITS_",
    registerRoutes: async (app, context) => {
      await app.register(redirectService, context);
    },
  },
  {
    name: "bank",
    summary: "accounts driven by commands; queries by id, holder, balance; mini statements",
    app: bankApp,
    topics: bankTopics,
    configFile: new URL("bank.json", CONFIG_DIR),
    envPrefix: "EDDY_BANK_",
    registerRoutes: async (app, context) => {
      await app.register(bankRoutes, { eddy: context.eddy });
    },
  },
  {
    name: "orders",
    summary: "items, shipping and payment joined into orders: PAID -> FULFILLED -> SHIPPED",
    app: ordersApp,
    topics: orderTopics,
    configFile: new URL("orders.json", CONFIG_DIR),
    envPrefix: "EDDY_ORDERS_",
    registerRoutes: async (app, context) => {
      await app.register(orderRoutes, { eddy: context.eddy, publisher: context.publisher });
    },
  },
];
