// Errors of serdes: bytes that are not a value, and values a serde will not write.
import { EddyError } from "../errors/eddy-error.js";
import type { SerdeContext } from "./serde.js";

/** Bytes that a serde could not turn into a value. The runtime sends the record to the dead-letter topic. */
export class DeserializationError extends EddyError {
  readonly context: SerdeContext;
  /** Structured detail, e.g. the zod issues of a schema violation. */
  readonly details: unknown;

  /** `code`: a subclass's more specific one (it is still dead-lettered as any undecodable record). */
  constructor(
    message: string,
    context: SerdeContext = {},
    details?: unknown,
    options?: ErrorOptions,
    code = "EDDY_ERR_DESERIALIZATION",
  ) {
    super(code, message, options);
    this.context = context;
    this.details = details;
  }
}

/** A value that a serde refused to write (wrong type, schema violation). */
export class SerializationError extends EddyError {
  readonly context: SerdeContext;
  readonly details: unknown;

  constructor(message: string, context: SerdeContext = {}, details?: unknown, options?: ErrorOptions) {
    super("EDDY_ERR_SERIALIZATION", message, options);
    this.context = context;
    this.details = details;
  }
}
