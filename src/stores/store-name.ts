// Store names become LevelDB key prefixes and changelog topic names
// (<application.id>-<store>-changelog), so they follow Kafka's topic-name rules.
import { InvalidStoreNameError } from "./errors.js";

const STORE_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function isValidStoreName(name: string): boolean {
  return STORE_NAME.test(name);
}

export function checkStoreName(name: string): void {
  if (!isValidStoreName(name)) throw new InvalidStoreNameError(name);
}
