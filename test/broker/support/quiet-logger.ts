import { pino, type Logger } from "pino";

/** For tests that provoke warnings on purpose: the assertions check the behaviour instead. */
export function quietLogger(): Logger {
  return pino({ level: "silent" });
}
