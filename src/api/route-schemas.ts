// The zod schemas of every route: they validate requests (a failure is a 400 carrying
// the zod issues) and, through openapi.ts, they are the OpenAPI document. One source,
// so the docs cannot drift from what the server accepts.
import { z } from "zod";
import { positionText } from "./position-text.js";

export const SCAN_LIMIT_DEFAULT = 100;
export const SCAN_LIMIT_MAX = 1000;
export const COMMAND_TIMEOUT_DEFAULT_MS = 10_000;
export const COMMAND_TIMEOUT_MAX_MS = 120_000;
export const POSITION_TIMEOUT_DEFAULT_MS = 5_000;
export const POSITION_TIMEOUT_MAX_MS = 60_000;

const booleanText = z
  .enum(["true", "false", "1", "0", ""])
  .transform((value) => value === "true" || value === "1" || value === "")
  .meta({ description: "true/1 (or present without a value) or false/0" });

export const storeParams = z.strictObject({
  store: z.string().min(1).meta({ description: "The store name, as GET /stores lists it." }),
});

export const keyParams = storeParams.extend({
  key: z.string().meta({
    description:
      "The key as text, read according to the store's key serde: string as is; long/int32/bigint decimal; double a number; " +
      "json/zod/msgpack parsed as JSON when it is JSON, else taken as a string; bytes base64url.",
  }),
});

export const lookupQuery = z.strictObject({
  allowStale: booleanText.optional().default(false).meta({
    description:
      "Let a standby or a restoring task answer when the active one cannot; such answers are marked stale: true.",
  }),
  position: positionText.optional(),
  positionTimeoutMs: z.coerce
    .number()
    .int()
    .min(1)
    .max(POSITION_TIMEOUT_MAX_MS)
    .default(POSITION_TIMEOUT_DEFAULT_MS)
    .meta({
      description: `How long the owner may wait for its commit and for the position: default ${POSITION_TIMEOUT_DEFAULT_MS} ms, at most ${POSITION_TIMEOUT_MAX_MS}; then 503.`,
    }),
});
export type LookupQuery = z.output<typeof lookupQuery>;

export const scanQuery = z.strictObject({
  from: z.string().optional().meta({ description: "Lowest key (inclusive), as key text." }),
  to: z.string().optional().meta({ description: "Highest key (inclusive), as key text." }),
  prefix: z
    .string()
    .optional()
    .meta({ description: "Only keys whose serialized form starts with this key's serialized form." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(SCAN_LIMIT_MAX)
    .default(SCAN_LIMIT_DEFAULT)
    .meta({ description: `Entries per page: default ${SCAN_LIMIT_DEFAULT}, at most ${SCAN_LIMIT_MAX}.` }),
  cursor: z.string().min(1).optional().meta({ description: "The nextCursor of the previous page." }),
  allowStale: booleanText
    .optional()
    .default(false)
    .meta({ description: "Accept standby or restoring copies for tasks no instance runs." }),
});
export type ScanQuery = z.output<typeof scanQuery>;

export const commandParams = z.strictObject({
  topic: z.string().min(1).meta({ description: "The command topic." }),
});

export const commandQuery = z.strictObject({
  key: z.string().optional().meta({
    description:
      "The command key (the aggregate id), as key text; required unless the endpoint takes the key from a body field.",
  }),
  timeoutMs: z.coerce
    .number()
    .int()
    .min(1)
    .max(COMMAND_TIMEOUT_MAX_MS)
    .default(COMMAND_TIMEOUT_DEFAULT_MS)
    .meta({
      description: `How long to wait for the reply: default ${COMMAND_TIMEOUT_DEFAULT_MS} ms, at most ${COMMAND_TIMEOUT_MAX_MS}.`,
    }),
});

export const issueSchema = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

export const errorBody = z.looseObject({
  statusCode: z.number().int(),
  code: z.string().meta({ description: "EDDY_ERR_... (see src/api/errors.ts)" }),
  error: z.string(),
  message: z.string(),
  issues: z.array(issueSchema).optional(),
  retryAfterSeconds: z.number().optional(),
});

export const storeInfo = z.object({
  name: z.string(),
  type: z.enum(["keyValue", "window", "session", "buffer", "versioned"]).meta({
    description:
      "keyValue: GET /stores/{store}/keys/{key}; window: .../keys/{key}/windows; session: .../keys/{key}/sessions.",
  }),
  keySerde: z.string(),
  valueSerde: z.string(),
  subtopology: z.number().int(),
  partitions: z.number().int(),
  changelogTopic: z.string().nullable(),
  persistent: z.boolean(),
  global: z.boolean().meta({
    description:
      "A global store: every instance holds all of it and answers its queries itself (no tasks, no routing).",
  }),
  tasks: z.array(
    z.object({
      taskId: z.string(),
      partition: z.number().int(),
      activeHost: z.string().nullable(),
      standbyHosts: z.array(z.string()),
    }),
  ),
});

export const storesAnswer = z.object({ stores: z.array(storeInfo) });

export const lookupAnswer = z.object({
  store: z.string(),
  key: z.unknown(),
  value: z.unknown(),
  partition: z.number().int().optional().meta({ description: "The key's partition (absent for a global store)." }),
  taskId: z.string().optional().meta({ description: "The task that answered (absent for a global store)." }),
  global: z.boolean().optional().meta({ description: "true when a global store answered, on the instance asked." }),
  stale: z
    .boolean()
    .meta({ description: "true when a standby or a restoring task answered: the value may be behind." }),
});

export const scanAnswer = z.object({
  store: z.string(),
  entries: z.array(z.object({ key: z.unknown(), value: z.unknown() })),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
  global: z.boolean().optional(),
  stale: z.boolean(),
  staleTasks: z.array(z.string()).optional(),
});

/** What an instance answers another one's scan request (header x-eddy-scan-tasks). */
export const peerScanAnswerSchema = z.object({
  entries: z.array(z.object({ k: z.string(), key: z.unknown(), value: z.unknown() })),
  truncated: z.boolean(),
  staleTasks: z.array(z.string()),
  missingTasks: z.array(z.string()),
});
export type PeerScanAnswer = z.infer<typeof peerScanAnswerSchema>;

export const commandAccepted = z.object({
  status: z.literal("accepted"),
  reply: z.unknown(),
  correlationId: z.string(),
  replayed: z.boolean(),
  position: z.string().meta({
    description:
      "Where the command landed, topic:partition:offset: pass it as ?position= (or x-eddy-position) to a lookup to wait for a store fed by that topic to reflect it.",
  }),
});
export const commandRejected = z.object({
  status: z.literal("rejected"),
  error: z.object({ code: z.string(), message: z.string() }),
  correlationId: z.string(),
  replayed: z.boolean(),
  position: z.string().meta({
    description:
      "Where the command landed, topic:partition:offset: pass it as ?position= (or x-eddy-position) to a lookup to wait for a store fed by that topic to reflect it.",
  }),
});
export const commandInvalid = z.object({
  status: z.literal("invalid"),
  error: z.object({ code: z.literal("EDDY_ERR_INVALID_COMMAND"), message: z.string(), issues: z.array(issueSchema) }),
  correlationId: z.string(),
  replayed: z.boolean(),
  position: z.string().meta({
    description:
      "Where the command landed, topic:partition:offset: pass it as ?position= (or x-eddy-position) to a lookup to wait for a store fed by that topic to reflect it.",
  }),
});

const taskIds = z.array(z.string());

export const localTask = z.object({
  taskId: z.string(),
  kind: z.enum(["active", "standby"]),
  state: z.enum(["restoring", "running", "suspended", "failed", "standby"]),
  partitions: z.array(
    z.object({
      topic: z.string(),
      partition: z.number().int(),
      lag: z.number().optional().meta({
        description:
          "Records between the task's position and the partition's end, transaction markers not counted (absent from instances of older versions).",
      }),
    }),
  ),
  lag: z.number(),
  recordsProcessed: z.number().optional().meta({
    description: "Records this instance's task processed since it started (active tasks); rates are its deltas.",
  }),
  processorNodes: z
    .array(
      z.object({
        processorNodeId: z.string(),
        processTotal: z.number().meta({ description: "Kafka Streams' process-total of the node in this task." }),
        processRate: z.number().meta({
          description: "Kafka Streams' process-rate: records per second over the last 30 s.",
        }),
      }),
    )
    .optional()
    .meta({
      description:
        "Each node of the task's sub-topology (sources, processors, sinks) in topology order, with the records it processed (active tasks).",
    }),
  restore: z
    .object({ restored: z.number(), total: z.number(), recordsPerSecond: z.number(), done: z.boolean() })
    .nullable(),
});

export const instanceView = z.object({
  applicationServer: z.string().nullable(),
  state: z.string(),
  ready: z.boolean(),
  tasks: z.array(localTask),
});

export const metadataAnswer = z.object({
  applicationId: z.string(),
  self: z.string().nullable(),
  state: z.string(),
  ready: z.boolean(),
  instances: z.array(
    z.object({
      host: z.string(),
      active: taskIds,
      standby: taskIds,
      view: instanceView
        .nullable()
        .meta({ description: "What the instance reports about itself; null when it did not answer." }),
      error: z.string().optional(),
    }),
  ),
  local: instanceView,
});

export const stalledTask = z.object({
  taskId: z.string().nullable().meta({ description: "null when the instance holds no active task to name" }),
  kind: z.enum(["repeated-failure", "consumer-crash-loop", "rebalance-loop"]),
  reason: z.string(),
  since: z.string().meta({ description: "When the failures began (ISO 8601)" }),
});

export const healthAnswer = z.object({
  status: z.enum(["UP", "DEGRADED", "DOWN"]),
  state: z.string(),
  stalled: z.array(stalledTask),
});
export const readyAnswer = z.object({
  ready: z.boolean(),
  state: z.string(),
  restoring: z.array(z.object({ taskId: z.string(), restored: z.number(), total: z.number() })),
  stalled: z.array(stalledTask),
});

export const metadataQuery = z.strictObject({
  local: booleanText
    .optional()
    .default(false)
    .meta({ description: "Only this instance's view (no calls to the others)." }),
});
