// The runtime's counters (StreamsMetricsSnapshot) and the local tasks' lag and restore
// progress as Prometheus families. Counter names end in _total; latencies are in
// seconds, as Prometheus' conventions ask. Metrics Kafka Streams has keep its names, as
// Prometheus' JMX exporter writes them (group and name, dashes to underscores, the tags
// as labels): kafka_streams_stream_processor_node_metrics_process_total{task_id,processor_node_id}.
import type { ProcessorNodeMetrics, StreamsMetricsSnapshot } from "../runtime/metrics.js";
import type { StalledTask } from "../runtime/progress-monitor.js";
import type { LocalTaskMetadata } from "../runtime/streams-metadata.js";
import { StreamsState } from "../runtime/streams-state.js";
import type { MetricFamily, Sample } from "./prometheus.js";

export function streamsMetricFamilies(
  snapshot: StreamsMetricsSnapshot,
  tasks: readonly LocalTaskMetadata[],
  state: StreamsState,
  ready: boolean,
  stalled: readonly StalledTask[],
): MetricFamily[] {
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: "counter",
    samples: [{ value }],
  });
  const latency = snapshot.commitLatency;
  const restoring = tasks.filter((t) => t.restore !== undefined);
  return [
    {
      name: "eddy_state",
      help: "The KafkaStreams state of this instance: 1 for the current state, 0 for the others.",
      type: "gauge",
      samples: Object.values(StreamsState).map((s) => ({ labels: { state: s }, value: s === state ? 1 : 0 })),
    },
    {
      name: "eddy_ready",
      help: "1 when RUNNING, every assigned active task is restored, and none is stalled.",
      type: "gauge",
      samples: [{ value: ready ? 1 : 0 }],
    },
    {
      name: "eddy_stalled_tasks",
      help: "Tasks that cannot make progress (the same offsets failing again and again, a crash or rebalance loop).",
      type: "gauge",
      samples: [{ value: stalled.length }],
    },
    {
      name: "eddy_task_stalled",
      help: "1 for each task that cannot make progress, by task and kind (see /health for the reason).",
      type: "gauge",
      samples: stalled.map((s) => ({ labels: { task_id: s.taskId ?? "", kind: s.kind }, value: 1 })),
    },
    counter(
      "eddy_records_processed_total",
      "Records processed by the active tasks of this instance.",
      snapshot.recordsProcessed,
    ),
    {
      name: "eddy_task_records_processed_total",
      help: "Records processed, by task.",
      type: "counter",
      samples: Object.entries(snapshot.recordsProcessedByTask).map(([task, value]) => ({
        labels: { task_id: task },
        value,
      })),
    },
    {
      name: "kafka_streams_stream_processor_node_metrics_process_total",
      help: "Records each processor node (source, processor, sink) of each task processed (Kafka Streams' process-total).",
      type: "counter",
      samples: processorNodeSamples(snapshot, (node) => node.processTotal),
    },
    {
      name: "kafka_streams_stream_processor_node_metrics_process_rate",
      help: "Records per second each processor node of each task processed over the last 30 s (Kafka Streams' process-rate).",
      type: "gauge",
      samples: processorNodeSamples(snapshot, (node) => node.processRate),
    },
    {
      name: "eddy_commit_latency_seconds",
      help: "Time a task commit took (flush, offsets, transaction commit, state write).",
      type: "summary",
      samples: [
        { suffix: "_sum", value: latency.totalMs / 1000 },
        { suffix: "_count", value: latency.count },
      ],
    },
    {
      name: "eddy_commit_latency_max_seconds",
      help: "The longest task commit so far.",
      type: "gauge",
      samples: [{ value: latency.maxMs / 1000 }],
    },
    counter(
      "eddy_transaction_aborts_total",
      "Transactions aborted (fenced producers, failed commits).",
      snapshot.transactionAborts,
    ),
    counter("eddy_dead_letter_records_total", "Records sent to the dead-letter topic.", snapshot.deadLetterRecords),
    counter(
      "eddy_dropped_records_total",
      "Records dropped on purpose: negative extracted timestamps, records too late for their window (Kafka Streams' dropped-records).",
      snapshot.droppedRecords,
    ),
    counter(
      "eddy_refused_records_total",
      "Output records their topic would refuse (too large, no key on a compacted topic, timestamp out of range).",
      snapshot.refusedRecords,
    ),
    {
      name: "eddy_mispartitioned_records_total",
      help:
        "Records of joined or command topics on a partition Kafka's Java partitioner (murmur2) would not pick for their key: " +
        "their producer partitions differently (kcat: -X partitioner=murmur2_random).",
      type: "counter",
      samples: Object.entries(snapshot.mispartitionedRecordsByTopic).map(([topic, value]) => ({
        labels: { topic },
        value,
      })),
    },
    counter("eddy_records_restored_total", "Changelog records restored into local state.", snapshot.recordsRestored),
    counter(
      "eddy_standby_records_applied_total",
      "Changelog records applied by standby tasks.",
      snapshot.standbyRecordsApplied,
    ),
    counter("eddy_rebalances_total", "Rebalances this instance went through.", snapshot.rebalances),
    {
      name: "eddy_task_lag_records",
      help: "Records behind the partition ends: input lag of active tasks, changelog lag of standbys.",
      type: "gauge",
      samples: tasks.map((t) => ({ labels: { task_id: t.taskId, kind: t.kind }, value: t.lag })),
    },
    {
      name: "eddy_partition_lag_records",
      help: "Records behind the end of each partition a task reads (input of active tasks, changelogs of standbys), transaction markers not counted.",
      type: "gauge",
      samples: tasks.flatMap((t) =>
        t.partitions.map((p) => ({
          labels: { task_id: t.taskId, kind: t.kind, topic: p.topic, partition: String(p.partition) },
          value: p.lag,
        })),
      ),
    },
    {
      name: "eddy_restore_records_restored",
      help: "Records restored by the current or last restoration of an active task.",
      type: "gauge",
      samples: restoring.map((t) => ({ labels: { task_id: t.taskId }, value: t.restore?.restored ?? 0 })),
    },
    {
      name: "eddy_restore_records_total",
      help: "Records the current or last restoration of an active task had to read.",
      type: "gauge",
      samples: restoring.map((t) => ({ labels: { task_id: t.taskId }, value: t.restore?.total ?? 0 })),
    },
    {
      name: "eddy_restore_done",
      help: "1 when the task's restoration is complete.",
      type: "gauge",
      samples: restoring.map((t) => ({ labels: { task_id: t.taskId }, value: t.restore?.done ? 1 : 0 })),
    },
  ];
}

function processorNodeSamples(
  snapshot: StreamsMetricsSnapshot,
  value: (node: ProcessorNodeMetrics) => number,
): Sample[] {
  return Object.entries(snapshot.processorNodes).flatMap(([task, nodes]) =>
    Object.entries(nodes).map(([node, metrics]) => ({
      labels: { task_id: task, processor_node_id: node },
      value: value(metrics),
    })),
  );
}
