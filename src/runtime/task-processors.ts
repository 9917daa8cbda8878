// The processors of an active task: its sub-topology's executor, writing to the task's
// overlay (through the record cache when it is on) and to the task's record collector.
import type { Logger } from "pino";
import type { TaskOverlay } from "../stores/task-overlay.js";
import { TaskExecutor } from "../engine/task-executor.js";
import type { TaskExecutorOptions } from "../engine/task-executor.js";
import { taskStoreOf } from "../engine/task-stores.js";
import { taskId as taskIdOf } from "../engine/task-id.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { KafkaRecordCollector } from "./kafka-record-collector.js";
import type { TaskContext } from "./task-context.js";

export interface TaskProcessorsOptions {
  readonly subtopology: number;
  readonly partition: number;
  readonly collector: KafkaRecordCollector;
  readonly overlay: TaskOverlay;
  readonly logger: Logger;
  /** Partition times and processor metadata from the committed offsets (topic-partition-metadata.ts). */
  readonly committed?: TaskExecutorOptions["committed"];
}

/** Builds the task's processors and opens their stores (their init() runs here). */
export function buildTaskExecutor(
  ctx: Pick<TaskContext, "topology" | "config" | "globalStores" | "metrics" | "recordCache">,
  options: TaskProcessorsOptions,
): Promise<TaskExecutor> {
  const { overlay, logger } = options;
  return TaskExecutor.create({
    topology: ctx.topology,
    applicationId: ctx.config.applicationId,
    subtopology: options.subtopology,
    partition: options.partition,
    collector: options.collector,
    appConfigs: { ...ctx.config },
    defaultTimestampExtractor: ctx.config.defaultTimestampExtractor as TimestampExtractor,
    ...(ctx.globalStores === undefined ? {} : { globalStores: ctx.globalStores }),
    nodeCounters: ctx.metrics.nodeCounters(taskIdOf(options.subtopology, options.partition)),
    ...(options.committed === undefined ? {} : { committed: options.committed }),
    onDroppedRecord: (event) => {
      ctx.metrics.droppedRecords += 1;
      logger.warn(
        {
          node: event.node,
          topic: event.metadata?.topic,
          partition: event.metadata?.partition,
          offset: event.metadata?.offset,
        },
        `dropped a record: ${event.reason}`,
      );
    },
    stores: {
      // The executor's processors are the stores' only writers, and the cache goes with the overlay.
      getStore: (definition, task) =>
        taskStoreOf(
          definition,
          overlay.store(definition.name),
          task,
          ctx.recordCache,
          // Where restores and standby updates left the store's stream time; commits carry it on.
          overlay.streamTime(definition.name),
        ),
    },
  });
}
