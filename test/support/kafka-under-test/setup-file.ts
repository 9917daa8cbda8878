// Runs in every test file: a failing test names the Apache Kafka log files in use.
import { beforeEach } from "vitest";
import { nameKafkaLogsOnFailure } from "./open-logs.js";

beforeEach(() => nameKafkaLogsOnFailure());
