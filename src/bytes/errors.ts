import { EddyError } from "../errors/eddy-error.js";

/**
 * Bytes that do not hold what their framing claims: a frame that ends early, a length
 * beyond its end, a varint that never ends. Whoever reads network input treats it as
 * the peer's fault (the broker closes that connection), never as its own.
 */
export class MalformedFrameError extends EddyError {
  constructor(message: string) {
    super("EDDY_ERR_MALFORMED_FRAME", message);
  }
}
