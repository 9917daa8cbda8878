// Loads a KafkaStreams config from layers, each overriding the ones before it:
//
//   1. JSON files, in the order given (e.g. config/defaults.json, then config/bank.json)
//   2. environment variables, one per field: EDDY_BOOTSTRAP_SERVERS, EDDY_APPLICATION_SERVER,
//      EDDY_STATE_DIR, ... (envVarName() in config-fields.ts), for each prefix in turn, so
//      that EDDY_BANK_APPLICATION_SERVER can override EDDY_APPLICATION_SERVER for one app
//   3. overrides set in code (command-line flags)
//
// The result is validated by the runtime's own schema (streams-config.ts). A bad value
// fails with a ConfigError naming the field and where the value came from, so that
// "applicationServer: must be host:port (from environment variable EDDY_APPLICATION_SERVER)"
// tells the operator which of the places to fix.
import { readFile } from "node:fs/promises";
import { parseApiTokensText } from "./api-config.js";
import { configField, configFields, envVarName } from "./config-fields.js";
import type { ConfigField } from "./config-fields.js";
import { ConfigError } from "./errors.js";
import { KAFKA_CONNECTION_FIELDS, parseKafkaConnection } from "./kafka-connection-config.js";
import type { KafkaConnectionConfig } from "./kafka-connection-config.js";
import type { ConfigIssue } from "./errors.js";
import { parseStreamsConfig } from "./streams-config.js";
import type { ResolvedStreamsConfig, StreamsConfig } from "./streams-config.js";

/** Values from one place, and how to name that place in an error. */
export interface ConfigLayer {
  /** e.g. "config/bank.json", "environment variable EDDY_STATE_DIR", "command line". */
  readonly source: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Per field, a more precise source than `source` (the environment variable of each field). */
  readonly fieldSources?: Readonly<Record<string, string>>;
}

export interface LoadStreamsConfigOptions {
  /** JSON files, each an object of config fields; later files override earlier ones. */
  readonly files?: readonly string[];
  /** The environment to read; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Prefixes of the environment variables, lowest precedence first; ["EDDY_"] by default. */
  readonly envPrefixes?: readonly string[];
  /** Values set in code, overriding everything else. */
  readonly overrides?: Partial<StreamsConfig>;
  /** How errors name the overrides; "command line" by default. */
  readonly overridesSource?: string;
}

export interface LoadedStreamsConfig {
  readonly config: ResolvedStreamsConfig;
  /** Where each field that was set came from (fields left at their defaults are absent). */
  readonly sources: ReadonlyMap<string, string>;
}

export const DEFAULT_ENV_PREFIX = "EDDY_";

/** Reads the files and the environment, merges them with the overrides, and validates the result. */
export async function loadStreamsConfig(options: LoadStreamsConfigOptions = {}): Promise<LoadedStreamsConfig> {
  const layers: ConfigLayer[] = [];
  for (const file of options.files ?? []) layers.push(await readConfigFile(file));
  layers.push(...envLayers(options.env ?? process.env, options.envPrefixes ?? [DEFAULT_ENV_PREFIX]));
  if (options.overrides !== undefined)
    layers.push({ source: options.overridesSource ?? "command line", values: options.overrides });
  return resolveStreamsConfig(layers);
}

export async function readConfigFile(path: string): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError([{ field: `(file ${path})`, message: `cannot be read: ${(error as Error).message}` }]);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ field: `(file ${path})`, message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ConfigError([{ field: `(file ${path})`, message: "must hold a JSON object of config fields" }]);
  }
  return { source: path, values: values as Record<string, unknown> };
}

/** One layer per prefix: the variables named after the config's fields, their text read as the field's type. */
export function envLayers(
  env: Readonly<Record<string, string | undefined>>,
  prefixes: readonly string[] = [DEFAULT_ENV_PREFIX],
): ConfigLayer[] {
  return prefixes.map((prefix) => {
    const values: Record<string, unknown> = {};
    const fieldSources: Record<string, string> = {};
    const read = (field: ConfigField, into: Record<string, unknown>) => {
      const name = envVarName(field.path, prefix);
      const text = env[name];
      // An empty variable is an unset one (compose files and shells often write VAR=).
      if (text === undefined || text === "") return;
      into[field.path.slice(field.path.lastIndexOf(".") + 1)] = fromEnvText(field, text);
      fieldSources[field.path] = `environment variable ${name}`;
    };
    for (const field of configFields()) {
      if (field.kind !== "object") {
        read(field, values);
        continue;
      }
      const nested: Record<string, unknown> = {};
      for (const inner of field.fields ?? []) read(inner, nested);
      // EDDY_SSL=true alone turns TLS on; EDDY_SSL=false turns it off whatever else is set.
      const flagName = envVarName(field.path, prefix);
      const flag = field.acceptsBoolean === true ? env[flagName] : undefined;
      if (flag !== undefined && flag !== "") {
        const value = fromEnvText({ ...field, kind: "boolean" }, flag);
        if (value !== true || Object.keys(nested).length === 0) {
          values[field.path] = value;
          fieldSources[field.path] = `environment variable ${flagName}`;
          continue;
        }
      }
      if (Object.keys(nested).length > 0) values[field.path] = nested;
    }
    return { source: `environment (${prefix}*)`, values, fieldSources };
  });
}

function fromEnvText(field: ConfigField, text: string): unknown {
  const trimmed = text.trim();
  switch (field.kind) {
    case "list":
      return trimmed
        .split(/[\s,]+/)
        .map((item) => item.trim())
        .filter((item) => item !== "");
    case "records":
      if (field.path === "apiTokens") return parseApiTokensText(text);
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return text;
      }
    case "number":
      // Anything else stays text, so that the schema's "must be a number" names the variable.
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
    case "boolean":
      if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
      if (/^(false|0|no|off)$/i.test(trimmed)) return false;
      return text;
    default:
      return trimmed;
  }
}

/** Merges the layers (later wins; the sasl object field by field) and validates the result. */
export function resolveStreamsConfig(layers: readonly ConfigLayer[]): LoadedStreamsConfig {
  return resolveConfig(layers, parseStreamsConfig);
}

export interface LoadKafkaConnectionOptions {
  /** The environment to read; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values set in code (command-line flags), overriding the environment. */
  readonly overrides?: Partial<Record<"bootstrapServers" | "clientId", string>>;
}

/**
 * How to reach Kafka without an application (`eddy produce`): bootstrap servers, TLS and
 * SASL from the EDDY_* variables, then the overrides; the application's other fields are
 * ignored. Throws a ConfigError naming the field and the variable of a bad value.
 */
export function loadKafkaConnection(options: LoadKafkaConnectionOptions = {}): KafkaConnectionConfig {
  const layers: ConfigLayer[] = [...envLayers(options.env ?? process.env)];
  if (options.overrides !== undefined) layers.push({ source: "command line", values: options.overrides });
  return resolveConfig(layers, parseKafkaConnection, KAFKA_CONNECTION_FIELDS).config;
}

function resolveConfig<T>(
  layers: readonly ConfigLayer[],
  parse: (merged: Record<string, unknown>) => T,
  only?: ReadonlySet<string>,
): { config: T; sources: ReadonlyMap<string, string> } {
  const merged: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const known = new Set(configFields().map((field) => field.path));

  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer.values)) {
      if (value === undefined || (only !== undefined && known.has(name) && !only.has(name))) continue;
      if (!known.has(name)) {
        issues.push({ field: name, message: `unknown field (in ${layer.source}); check the spelling` });
        continue;
      }
      const field = configField(name);
      if (field?.kind === "object" && isPlainObject(value)) {
        // Settings given after `ssl: true` keep TLS on; after `ssl: false` they turn it on.
        const into = isPlainObject(merged[name]) ? { ...(merged[name] as Record<string, unknown>) } : {};
        for (const [inner, innerValue] of Object.entries(value)) {
          if (innerValue === undefined) continue;
          if (configField(`${name}.${inner}`) === undefined) {
            issues.push({
              field: `${name}.${inner}`,
              message: `unknown field (in ${layer.source}); check the spelling`,
            });
            continue;
          }
          into[inner] = innerValue;
          sources.set(`${name}.${inner}`, layer.fieldSources?.[`${name}.${inner}`] ?? layer.source);
        }
        merged[name] = into;
        continue;
      }
      merged[name] = value;
      sources.set(name, layer.fieldSources?.[name] ?? layer.source);
    }
  }

  let config: T | undefined;
  try {
    config = parse(merged);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues.map((issue) => withSource(issue, sources)));
  }
  if (issues.length > 0 || config === undefined) throw new ConfigError(issues);
  return { config, sources };
}

function withSource(issue: ConfigIssue, sources: ReadonlyMap<string, string>): ConfigIssue {
  // "bootstrapServers[1]" was set as a whole; "sasl.username" may have its own source.
  const path = issue.field.replace(/\[\d+\].*$/, "");
  const source = sources.get(path) ?? sources.get(path.split(".")[0] ?? path);
  if (source !== undefined) return { field: issue.field, message: `${issue.message} (from ${source})` };
  const field = configField(path);
  if (field !== undefined) {
    const why = field.required
      ? `not set: give it in a config file or as ${envVarName(path)}`
      : `the default; set it in a config file or as ${envVarName(path)}`;
    return { field: issue.field, message: `${issue.message} (${why})` };
  }
  return issue;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
