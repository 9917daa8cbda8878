// What a request handler is: a codec (the API's schema and versions) and a function from
// the decoded request to the response. A handler may answer later (a Promise: long-polling
// Fetch, JoinGroup waiting for the rebalance), not at all (Produce with acks=0), or ask for
// the connection to be closed (acks=0 produce that failed, as Kafka does).
import type { Logger } from "pino";
import type { FetchPurgatory } from "../fetch/fetch-purgatory.js";
import type { GroupCoordinator } from "../group/group-coordinator.js";
import type { ApiCodec } from "../protocol/codec.js";
import type { RequestHeader } from "../protocol/header.js";
import type { ApiSpec, RequestOf, ResponseOf } from "../protocol/schema.js";
import type { TopicRegistry } from "../topics/topic-registry.js";
import type { TransactionCoordinator } from "../transactions/transaction-coordinator.js";

export const NO_RESPONSE = Symbol("no response");
export const CLOSE_CONNECTION = Symbol("close connection");

export type HandlerResult<A extends ApiSpec> = ResponseOf<A> | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;

export interface RequestContext {
  readonly header: RequestHeader;
  /** The client's address as Kafka reports it in DescribeGroups: "/127.0.0.1". */
  readonly clientHost: string;
  readonly connectionId: number;
}

export interface Handler<A extends ApiSpec = ApiSpec> {
  readonly codec: ApiCodec<A>;
  handle(request: RequestOf<A>, context: RequestContext): HandlerResult<A> | Promise<HandlerResult<A>>;
}

export function defineHandler<A extends ApiSpec>(codec: ApiCodec<A>, handle: Handler<A>["handle"]): Handler<A> {
  return { codec, handle };
}

/** The address clients are told to connect to (Metadata, FindCoordinator). */
export interface AdvertisedEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Everything handlers share: the broker's identity, its topics, groups, transactions and waiting fetches. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly endpoint: AdvertisedEndpoint;
  readonly autoCreateTopics: boolean;
  readonly topics: TopicRegistry;
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly fetchPurgatory: FetchPurgatory;
  readonly logger: Logger;
  /** Broker-level settings reported by DescribeConfigs (name -> value, and whether set explicitly). */
  readonly brokerConfigs: ReadonlyMap<string, { value: string; explicit: boolean }>;
}
