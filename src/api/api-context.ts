// What the API's plugins share: the running streams, the topology, and the services
// built on them. One per registration of the API plugin.
import type { Logger } from "pino";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { Topology } from "../topology/topology.js";
import type { ApiMetrics } from "./api-metrics.js";
import type { CommandGateway } from "./command-gateway.js";
import type { CommandRegistry } from "./command-registry.js";
import type { LocalStoreReader } from "./local-store-reader.js";
import type { OpenApiAccess } from "./openapi.js";
import type { PeerClient } from "./peer-client.js";
import type { QueryService } from "./query-service.js";
import type { StoreCatalog } from "./store-catalog.js";
import type { WindowQueryService } from "./window-query-service.js";
import type { VersionedQueryService } from "./versioned-query-service.js";

export interface ApiContext {
  readonly streams: QueryableStreams;
  readonly topology: Topology;
  readonly title: string;
  readonly catalog: StoreCatalog;
  readonly reader: LocalStoreReader;
  readonly queries: QueryService;
  readonly windowQueries: WindowQueryService;
  readonly versionedQueries: VersionedQueryService;
  readonly commands: CommandRegistry;
  /** Undefined when the API was not given Kafka connection settings (commands answer 503). */
  readonly gateway: CommandGateway | undefined;
  readonly metrics: ApiMetrics;
  readonly peers: PeerClient;
  readonly logger: Logger;
  /** Where the API is mounted ("" at the root). */
  readonly prefix: string;
  /** What access control may answer before a route runs (for the OpenAPI document). */
  readonly access: OpenApiAccess;
}
