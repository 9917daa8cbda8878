// The files a config names for TLS and SASL (certificates, keys, CAs, a token file) are
// checked when the config is parsed, so that a wrong path fails at start naming the
// field (and, through the loader, the variable it came from) rather than at the first
// connection, minutes later, as a TLS error.
import { readFileSync } from "node:fs";
import type { ConfigIssue } from "./errors.js";

interface FileFields {
  readonly ssl?: false | { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly sasl?: { readonly tokenFile?: string };
  readonly apiTls?: { readonly ca?: string; readonly cert: string; readonly key: string };
}

/** Every named file that cannot be read, or that holds no PEM block where one is expected. */
export function securityFileIssues(config: FileFields): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (field: string, value: string | undefined, pem: boolean) => {
    if (value === undefined || (pem && value.includes("-----BEGIN"))) return;
    let text: string;
    try {
      text = readFileSync(value, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      issues.push({ field, message: `cannot read the file ${value} (${code ?? (error as Error).message})` });
      return;
    }
    if (pem && !text.includes("-----BEGIN"))
      issues.push({ field, message: `the file ${value} holds no PEM block (-----BEGIN ...)` });
  };
  if (config.ssl) {
    check("ssl.ca", config.ssl.ca, true);
    check("ssl.cert", config.ssl.cert, true);
    check("ssl.key", config.ssl.key, true);
  }
  check("sasl.tokenFile", config.sasl?.tokenFile, false);
  if (config.apiTls !== undefined) {
    check("apiTls.cert", config.apiTls.cert, true);
    check("apiTls.key", config.apiTls.key, true);
    check("apiTls.ca", config.apiTls.ca, true);
  }
  return issues;
}
