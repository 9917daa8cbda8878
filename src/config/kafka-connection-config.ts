// How a Kafka client without an application reaches Kafka (`eddy produce`): the bootstrap
// servers, TLS and SASL fields of the KafkaStreams config, read from the same EDDY_*
// variables and checked the same way, so that a tool and the application it feeds cannot
// disagree about how to connect.
import { z } from "zod";
import { ConfigError } from "./errors.js";
import type { KafkaTlsConfig, SaslConfig } from "./kafka-security-config.js";
import { saslSchema, sslSchema } from "./kafka-security-config.js";
import { securityFileIssues } from "./security-files.js";
import { bootstrapServersSchema, toConfigIssue } from "./streams-config.js";

export const KAFKA_CONNECTION_FIELDS: ReadonlySet<string> = new Set(["bootstrapServers", "clientId", "ssl", "sasl"]);

const kafkaConnectionSchema = z.strictObject({
  bootstrapServers: bootstrapServersSchema,
  clientId: z.string().min(1).optional(),
  ssl: sslSchema.default(false),
  sasl: saslSchema.optional(),
});

export interface KafkaConnectionConfig {
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string | undefined;
  readonly ssl: false | KafkaTlsConfig;
  readonly sasl?: SaslConfig | undefined;
}

export function parseKafkaConnection(input: unknown): KafkaConnectionConfig {
  const result = kafkaConnectionSchema.safeParse(input);
  if (!result.success) throw new ConfigError(result.error.issues.map(toConfigIssue));
  const fileIssues = securityFileIssues(result.data);
  if (fileIssues.length > 0) throw new ConfigError(fileIssues);
  return result.data;
}
