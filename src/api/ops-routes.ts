// Operations: GET /metadata (every instance, its tasks, state and lag), /health (live),
// /ready (RUNNING and restored: the readiness probe a load balancer uses), /metrics
// (Prometheus text).
//
// A task that cannot make progress (failing at the same offsets again and again, a consumer
// crash loop, a rebalance loop) makes /health DEGRADED and /ready false, naming the task and
// the reason. DEGRADED still answers 200: a liveness probe that restarted the instance would
// not get it past a poisoned offset, and would turn one stuck task into a crash loop; /ready
// answers 503, so that traffic goes to instances that can serve it.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import { StreamsState } from "../runtime/streams-state.js";
import type { ApiContext } from "./api-context.js";
import type { RouteDoc } from "./openapi.js";
import { PeerRequestError } from "./peer-client.js";
import { PROMETHEUS_CONTENT_TYPE, writeExposition } from "./prometheus.js";
import { RETRY_AFTER_SECONDS } from "./query-service.js";
import { parseRequestPart } from "./request-parsing.js";
import type { stalledTask } from "./route-schemas.js";
import { healthAnswer, instanceView, metadataAnswer, metadataQuery, readyAnswer } from "./route-schemas.js";
import { streamsMetricFamilies } from "./streams-metrics-families.js";

type InstanceView = z.infer<typeof instanceView>;

const DOWN_STATES = new Set<string>([StreamsState.ERROR, StreamsState.PENDING_ERROR, StreamsState.NOT_RUNNING]);
/** A peer's metadata is a nicety: do not let a slow one hold the page for the whole forward timeout. */
const METADATA_TIMEOUT_MS = 2_000;

async function localView(streams: QueryableStreams): Promise<InstanceView> {
  const tasks = await streams.localTasks();
  const { recordsProcessedByTask: processed, processorNodes } = streams.metrics();
  return {
    applicationServer: streams.applicationServer ?? null,
    state: streams.state(),
    ready: streams.isReady(),
    tasks: tasks.map((t) => ({
      taskId: t.taskId,
      kind: t.kind,
      state: t.state,
      partitions: t.partitions.map((p) => ({ topic: p.topic, partition: p.partition, lag: p.lag })),
      lag: t.lag,
      ...(t.kind === "active"
        ? {
            recordsProcessed: processed[t.taskId] ?? 0,
            processorNodes: Object.entries(processorNodes[t.taskId] ?? {}).map(([processorNodeId, node]) => ({
              processorNodeId,
              ...node,
            })),
          }
        : {}),
      restore: t.restore ?? null,
    })),
  };
}

function stalledView(streams: QueryableStreams): Array<z.infer<typeof stalledTask>> {
  return streams.stalledTasks().map((s) => ({ ...s, since: new Date(s.since).toISOString() }));
}

export function opsRoutes(ctx: ApiContext) {
  const { streams } = ctx;
  return async function opsPlugin(app: FastifyInstance): Promise<void> {
    app.get("/metadata", async (request) => {
      const { local: localOnly } = parseRequestPart(metadataQuery, request.query, "query parameters");
      const local = await localView(streams);
      if (localOnly) return local;
      const self = streams.applicationServer;
      const instances = await Promise.all(
        [...streams.hostMap()].map(async ([host, tasks]) => {
          const base = { host, active: tasks.active, standby: tasks.standby };
          if (host === self) return { ...base, view: local };
          try {
            const response = await ctx.peers.get(host, "/metadata?local=true", {}, METADATA_TIMEOUT_MS);
            const parsed = instanceView.safeParse(JSON.parse(response.body));
            return parsed.success
              ? { ...base, view: parsed.data }
              : { ...base, view: null, error: `answered ${response.statusCode}` };
          } catch (error) {
            if (!(error instanceof PeerRequestError) && !(error instanceof SyntaxError)) throw error;
            return { ...base, view: null, error: error.message };
          }
        }),
      );
      return {
        applicationId: streams.applicationId,
        self: self ?? null,
        state: local.state,
        ready: local.ready,
        instances,
        local,
      };
    });

    app.get("/health", async (_request, reply) => {
      const state = streams.state();
      const up = !DOWN_STATES.has(state);
      const stalled = up ? stalledView(streams) : [];
      const status = !up ? "DOWN" : stalled.length > 0 ? "DEGRADED" : "UP";
      return reply.code(up ? 200 : 503).send({ status, state, stalled });
    });

    app.get("/ready", async (_request, reply) => {
      const stalled = stalledView(streams);
      const ready = streams.isReady() && stalled.length === 0;
      const tasks = ready ? [] : await streams.localTasks();
      const restoring = tasks
        .filter((t) => t.kind === "active" && t.state !== "running")
        .map((t) => ({ taskId: t.taskId, restored: t.restore?.restored ?? 0, total: t.restore?.total ?? 0 }));
      if (!ready) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      return reply.code(ready ? 200 : 503).send({ ready, state: streams.state(), restoring, stalled });
    });

    app.get("/metrics", async (_request, reply) => {
      const stalled = streams.stalledTasks();
      const families = [
        ...streamsMetricFamilies(
          streams.metrics(),
          await streams.localTasks(),
          streams.state(),
          streams.isReady() && stalled.length === 0,
          stalled,
        ),
        ...ctx.metrics.families(),
      ];
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(writeExposition(families));
    });
  };
}

export function opsRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/metadata",
      tag: "operations",
      summary: "Every instance with its active and standby tasks, their partitions, state and lag",
      query: metadataQuery,
      responses: {
        200: {
          description: "The group as this instance sees it, or only this instance (its own view) with local=true",
          schema: z.union([metadataAnswer, instanceView]),
        },
      },
    },
    {
      method: "GET",
      path: "/health",
      tag: "operations",
      summary:
        "Liveness: 200 unless the instance is in ERROR or stopped; DEGRADED (still 200) names the tasks that cannot make progress",
      responses: {
        200: { description: "Up, or degraded", schema: healthAnswer },
        503: { description: "Down", schema: healthAnswer },
      },
    },
    {
      method: "GET",
      path: "/ready",
      tag: "operations",
      summary: "Readiness: 200 only when RUNNING, every assigned active task restored, and none stalled",
      responses: {
        200: { description: "Ready", schema: readyAnswer },
        503: { description: "Not ready (see Retry-After)", schema: readyAnswer },
      },
    },
    {
      method: "GET",
      path: "/metrics",
      tag: "operations",
      summary: "Prometheus metrics (text exposition format 0.0.4)",
      responses: { 200: { description: "The metrics", contentTypes: [PROMETHEUS_CONTENT_TYPE] } },
    },
  ];
}
