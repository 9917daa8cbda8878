// The version of this package, kept equal to package.json's by a test: the API's
// OpenAPI document, the CLI's --version and log lines report it.
export const VERSION = "0.1.0";
