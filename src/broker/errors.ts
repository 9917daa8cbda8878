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

/** The data directory is accepted in the signature; persistence arrives with the broker's part 2. */
export class DataDirUnsupportedError extends BrokerError {
  constructor(readonly dataDir: string) {
    super(
      "EDDY_ERR_BROKER_DATA_DIR_UNSUPPORTED",
      `broker option "dataDir" (${dataDir}) is not supported yet: this broker keeps its logs in memory; omit the option`,
    );
  }
}

/** A client sent bytes that are not a well-formed request; its connection is closed. */
export class MalformedFrameError extends BrokerError {
  constructor(message: string) {
    super("EDDY_ERR_BROKER_MALFORMED_FRAME", message);
  }
}

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
