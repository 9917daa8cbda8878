// The base of every error Eddy throws on purpose. Each layer declares its errors once,
// in its own errors.ts, as a table of codes (EDDY_ERR_...), so that users can branch on
// `instanceof` or on `code`, and messages name the thing and say what to do.
export class EddyError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
