// A standby task, as Kafka Streams' StandbyTask: a copy of an active task's stores on
// another instance, kept current by following the task's changelogs (read_committed,
// so only committed state). It processes nothing; when its instance gets the active
// task (failover), the copy is handed over and only the remainder is restored.
import type { Logger } from "pino";
import type { TaskStorage } from "../stores/task-storage.js";
import type { ChangelogReader } from "./changelog-reader.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import { TaskStateManager } from "./state-manager.js";
import type { StateLocation } from "./state-manager.js";
import type { TaskId } from "../engine/task-id.js";
import type { ChangelogPartition } from "./topology-metadata.js";

export class StandbyTask {
  #stateManager: TaskStateManager | undefined;
  #open = false;

  constructor(
    readonly id: TaskId,
    private readonly options: {
      changelogs: readonly ChangelogPartition[];
      timestampedStores: readonly string[];
      persistent: boolean;
      location: StateLocation;
      reader: PartitionReader;
      changelogReader: ChangelogReader;
      logger: Logger;
    },
  ) {}

  get storage(): TaskStorage | undefined {
    return this.#stateManager?.storage;
  }

  /** Opens the local copy (wiping it if its checkpoint is outside the changelogs) and starts following. */
  async open(handedOver?: TaskStorage): Promise<void> {
    const { options } = this;
    this.#stateManager = await TaskStateManager.open({
      taskId: this.id,
      changelogs: options.changelogs,
      timestampedStores: options.timestampedStores,
      persistent: options.persistent,
      location: options.location,
      logger: options.logger,
      storage: handedOver,
    });
    const plan = await this.#stateManager.planRestore(options.reader);
    options.changelogReader.addStandby(this.id, this.#stateManager.storage, plan.partitions);
    this.#open = true;
    options.logger.info(
      { taskId: this.id, from: plan.partitions.map((p) => `${p.topic}-${p.partition}@${p.offset}`) },
      "standby task following its changelogs",
    );
  }

  /** Where the copy stands: the sum of its changelog positions (for the assignor). */
  offsetSum(): number | undefined {
    const positions = this.options.changelogReader.standbyPositions(this.id);
    if (!positions) return undefined;
    let sum = 0;
    for (const offset of positions.values()) sum += offset;
    return sum;
  }

  /** Stops following; returns the storage open when `keepStorage` (the active task takes it over), else closes it. */
  async close(keepStorage: boolean): Promise<TaskStorage | undefined> {
    if (this.#open) {
      this.#open = false;
      await this.options.changelogReader.removeStandby(this.id);
    }
    const stateManager = this.#stateManager;
    this.#stateManager = undefined;
    if (!stateManager) return undefined;
    if (keepStorage) return stateManager.storage;
    await stateManager.close();
    return undefined;
  }
}
