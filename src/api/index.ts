// The HTTP API of an Eddy application (`eddy-streams/api`): a fastify plugin to mount
// in an application's own server, and startApiServer() for a server of its own (what
// KafkaStreams runs when `applicationServer` is set). A separate entry point, so that
// applications that serve no HTTP never load fastify.
export { eddyApi, DEFAULT_FORWARD_TIMEOUT_MS } from "./eddy-api-plugin.js";
export type { EddyApiOptions } from "./eddy-api-plugin.js";
export { startApiServer } from "./api-server.js";
export type { ApiServerOptions, RunningApiServer } from "./api-server.js";
export type { CommandEndpoint } from "./command-registry.js";
export type { KafkaConnection } from "./command-gateway.js";
export { apiSecurityFromConfig } from "./security/api-security.js";
export type { ApiSecurityOptions, ApiTlsOptions, ApiTlsMaterial } from "./security/api-security.js";
export { principalOf } from "./security/access-control.js";
export type { Principal } from "./security/bearer-tokens.js";
export { defaultReplyTopic } from "./command-gateway.js";
export type { KeyTextParser } from "./key-text.js";
export { defaultKeyParser } from "./key-text.js";
export { FORWARDED_HEADER, SERVED_BY_HEADER, SCAN_TASKS_HEADER } from "./peer-client.js";
export { REPLY_STATUS_HEADER, CORRELATION_ID_HEADER } from "./command-routes.js";
export {
  SCAN_LIMIT_DEFAULT,
  SCAN_LIMIT_MAX,
  COMMAND_TIMEOUT_DEFAULT_MS,
  COMMAND_TIMEOUT_MAX_MS,
} from "./route-schemas.js";
export {
  ApiErrorCodes,
  ApiError,
  ApiConfigError,
  ApiListenError,
  UnauthenticatedError,
  ForbiddenError,
  ReadOnlyError,
  HostNotAllowedError,
  RateLimitedError,
  StoreNotFoundError,
  KeyNotFoundError,
  InvalidKeyError,
  InvalidRequestError,
  InvalidCursorError,
  CommandTopicNotFoundError,
  InvalidCommandBodyError,
  NotAcceptableError,
  UnavailableError,
  CommandTimeoutError,
  InternalApiError,
} from "./errors.js";
export type { ApiErrorCode, ApiErrorBody, ApiIssue } from "./errors.js";
export type { EddyApp, TopologyFactory } from "./eddy-app.js";
