// Errors of the embedded broker, one table: each has a stable code, and the message names
// the thing and says what to do. Kafka protocol errors are not here: those travel to
// clients as error codes (protocol/error-codes.ts); these are for the broker's own users.

export class BrokerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An option passed to startBroker() or `eddy broker` is invalid. */
export class InvalidBrokerOptionError extends BrokerError {
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super("EDDY_ERR_BROKER_INVALID_OPTION", `broker option "${option}" ${reason}`);
  }
}

/** Another running broker holds the data directory. */
export class DataDirLockedError extends BrokerError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      "EDDY_ERR_BROKER_DATA_DIR_LOCKED",
      `data directory ${dataDir} is in use by another broker (process ${pid}); stop it or choose another --data-dir`,
    );
  }
}

/** The data directory holds something this broker cannot read (another format, damaged metadata). */
export class DataDirInvalidError extends BrokerError {
  constructor(
    readonly dataDir: string,
    reason: string,
  ) {
    super("EDDY_ERR_BROKER_DATA_DIR_INVALID", `data directory ${dataDir} cannot be used: ${reason}`);
  }
}

/**
 * A file of the data directory is damaged (a journal record that fails its CRC with records
 * after it, an unreadable partition.metadata, a partition directory of another topic): the
 * broker does not start rather than start without what the file records.
 */
export class DataDirCorruptError extends BrokerError {
  constructor(
    readonly file: string,
    reason: string,
    remedy: string,
  ) {
    super("EDDY_ERR_BROKER_DATA_DIR_CORRUPT", `${file} is damaged: ${reason}. ${remedy}`);
  }
}

/** A client sent bytes that are not a well-formed request; its connection is closed. */
export { MalformedFrameError } from "../bytes/errors.js";

/** The broker tried to encode a value its schema does not allow: a bug in the broker. */
export class ProtocolEncodeError extends BrokerError {
  constructor(message: string) {
    super("EDDY_ERR_BROKER_ENCODE", message);
  }
}

/** The broker could not listen on the requested address. */
export class BrokerListenError extends BrokerError {
  constructor(
    readonly address: string,
    cause: Error,
  ) {
    super("EDDY_ERR_BROKER_LISTEN", `broker cannot listen on ${address}: ${cause.message}`);
    this.cause = cause;
  }
}
