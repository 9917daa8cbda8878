// Errors of the configuration layer. A bad config must fail at construction, before
// anything touches Kafka, and name every field that is wrong.
import { EddyError } from "../errors/eddy-error.js";

export interface ConfigIssue {
  /** The dotted path of the field, e.g. `applicationId` or `sasl.username`. */
  field: string;
  message: string;
}

export class ConfigError extends EddyError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.field}: ${issue.message}`);
    super("EDDY_ERR_CONFIG", `Invalid KafkaStreams config:\n${lines.join("\n")}`);
    this.issues = issues;
  }
}
