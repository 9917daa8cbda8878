// Errors of the store layer. Codes are stable: users and the runtime branch on them.
import { EddyError } from "../errors/eddy-error.js";

/** An operation on a store (or a task's state) after close(). */
export class StoreClosedError extends EddyError {
  constructor(name: string, kind: "store" | "task" = "store") {
    super(
      "EDDY_ERR_STORE_CLOSED",
      `${kind === "store" ? `State store "${name}"` : `The state of task ${name}`} is closed; ` +
        "it was closed with its task (rebalance or shutdown)",
    );
  }
}

/** A store name that is not registered where it was asked for. */
export class StoreNotFoundError extends EddyError {
  constructor(store: string, where: string) {
    super(
      "EDDY_ERR_STORE_NOT_FOUND",
      `No state store "${store}" in ${where}; check the store name given to the topology`,
    );
  }
}

/** Store names become LevelDB key prefixes and changelog topic names: Kafka's topic-name rules apply. */
export class InvalidStoreNameError extends EddyError {
  constructor(store: string) {
    super(
      "EDDY_ERR_INVALID_STORE_NAME",
      `Invalid state store name ${JSON.stringify(store)}: use 1 to 249 characters among letters, digits, ".", "_" and "-"`,
    );
  }
}

/** Another process (or another open in this process) holds the task's state directory. */
export class StateDirectoryLockedError extends EddyError {
  readonly directory: string;

  constructor(directory: string, options?: ErrorOptions) {
    super(
      "EDDY_ERR_STATE_DIR_LOCKED",
      `The state directory ${directory} is locked by another Eddy instance (or another open of the same task); ` +
        "two instances cannot share one task's state: give each instance its own state.dir",
      options,
    );
    this.directory = directory;
  }
}

/** A task's state could not be opened, read or written (I/O failure, LevelDB corruption, bad checkpoint). */
export class StateStoreError extends EddyError {
  readonly directory: string | undefined;

  constructor(message: string, directory?: string, options?: ErrorOptions) {
    super("EDDY_ERR_STATE_STORE", message, options);
    this.directory = directory;
  }
}

/** A checkpoint offset that is not a non-negative safe integer, or a malformed changelog partition key. */
export class InvalidCheckpointError extends EddyError {
  constructor(message: string) {
    super("EDDY_ERR_INVALID_CHECKPOINT", message);
  }
}

/** A write to a task's stores while its overlay is being committed: the runtime must not process records during a commit. */
export class StateCommitInProgressError extends EddyError {
  constructor(store: string) {
    super(
      "EDDY_ERR_STATE_COMMIT_IN_PROGRESS",
      `Cannot write to state store "${store}" while its task's state is being committed; wait for commit() to settle`,
    );
  }
}
