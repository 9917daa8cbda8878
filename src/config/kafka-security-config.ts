// How the Kafka clients authenticate and encrypt: TLS (CA, client certificate and key,
// as Kafka's ssl.truststore / ssl.keystore), and SASL PLAIN, SCRAM or OAUTHBEARER (as
// Kafka's sasl.mechanism; OAUTHBEARER with a static token, a token file re-read at
// every login, or an OAuth client-credentials grant, as Kafka's KIP-768 login handler).
import { z } from "zod";

export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512", "oauthbearer"] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const pem = (what: string) =>
  z
    .string({ error: `must be a file path or PEM text (${what})` })
    .min(1, { error: `must not be empty (a file path or PEM text of ${what})` });

const tlsObject = z.strictObject({
  /** CA certificates the brokers' certificates must chain to; the system's CAs by default. */
  ca: pem("the CA certificates").optional(),
  /** This client's certificate, for brokers that require one (ssl.client.auth=required). */
  cert: pem("the client certificate").optional(),
  key: pem("the client's private key").optional(),
  keyPassword: z.string().optional(),
  /** false skips checking the brokers' certificates: never in production. */
  rejectUnauthorized: z.boolean({ error: "must be true or false" }).optional(),
  /** The name the brokers' certificates must carry, when it is not the bootstrap host name. */
  servername: z.string().min(1).optional(),
});

export interface KafkaTlsConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** `ssl: true`, or the TLS settings; false (the default) is plaintext. */
export const sslSchema = z
  .union([z.boolean(), tlsObject], {
    error: "must be true, false, or an object { ca, cert, key, keyPassword, rejectUnauthorized, servername }",
  })
  .superRefine((value, ctx) => {
    if (typeof value !== "object") return;
    if ((value.cert === undefined) !== (value.key === undefined))
      ctx.addIssue({
        code: "custom",
        path: [value.cert === undefined ? "cert" : "key"],
        message: "is required with ssl.cert and ssl.key together (a client certificate needs its key)",
      });
  })
  .transform((value): false | KafkaTlsConfig => {
    if (value === false) return false;
    if (value === true) return { rejectUnauthorized: true };
    return { ...value, rejectUnauthorized: value.rejectUnauthorized ?? true };
  });

export const saslSchema = z
  .strictObject({
    mechanism: z.enum(SASL_MECHANISMS, { error: `must be one of ${SASL_MECHANISMS.join(", ")}` }),
    /** PLAIN and SCRAM. */
    username: z.string().min(1, { error: "must not be empty" }).optional(),
    password: z.string().optional(),
    /** OAUTHBEARER: a token as it is. */
    token: z.string().min(1, { error: "must not be empty" }).optional(),
    /** OAUTHBEARER: a file holding the token, read at every login (a rotated token is picked up). */
    tokenFile: z.string().min(1, { error: "must not be empty" }).optional(),
    /** OAUTHBEARER: an OAuth 2 token endpoint for the client-credentials grant. */
    tokenEndpointUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    clientId: z.string().min(1, { error: "must not be empty" }).optional(),
    clientSecret: z.string().optional(),
    scope: z.string().min(1).optional(),
  })
  .superRefine((sasl, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (sasl.mechanism !== "oauthbearer") {
      if (sasl.username === undefined) issue("username", `is required with sasl.mechanism ${sasl.mechanism}`);
      if (sasl.password === undefined) issue("password", `is required with sasl.mechanism ${sasl.mechanism}`);
      for (const field of ["token", "tokenFile", "tokenEndpointUrl", "clientId", "clientSecret", "scope"] as const)
        if (sasl[field] !== undefined) issue(field, "is for sasl.mechanism oauthbearer only");
      return;
    }
    for (const field of ["username", "password"] as const)
      if (sasl[field] !== undefined) issue(field, "is for plain and scram mechanisms; oauthbearer takes a token");
    const sources = (["token", "tokenFile", "tokenEndpointUrl"] as const).filter((field) => sasl[field] !== undefined);
    if (sources.length !== 1) {
      issue(
        sources[1] ?? "token",
        sources.length === 0
          ? "is required with sasl.mechanism oauthbearer: give one of token, tokenFile or tokenEndpointUrl"
          : `and ${sources[0]} are both set: give one of token, tokenFile or tokenEndpointUrl`,
      );
    }
    if (sasl.tokenEndpointUrl !== undefined) {
      if (sasl.clientId === undefined) issue("clientId", "is required with sasl.tokenEndpointUrl");
      if (sasl.clientSecret === undefined) issue("clientSecret", "is required with sasl.tokenEndpointUrl");
    } else {
      for (const field of ["clientId", "clientSecret", "scope"] as const)
        if (sasl[field] !== undefined) issue(field, "is for the client-credentials grant: set sasl.tokenEndpointUrl");
    }
  });
export type SaslConfig = z.output<typeof saslSchema>;
