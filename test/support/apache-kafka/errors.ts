// The harness's errors, one class per way it can fail; each message names what is missing or
// where to look (the broker's log file), so that a red run says what to do.

export const APACHE_KAFKA_ERRORS = {
  EDDY_ERR_TEST_JAVA_MISSING: "Java 17 or newer is needed to run Apache Kafka from its jars",
  EDDY_ERR_TEST_MAVEN_MISSING: "Maven is needed to resolve Apache Kafka's jars from Maven Central",
  EDDY_ERR_TEST_KAFKA_JARS: "Apache Kafka's jars could not be resolved",
  EDDY_ERR_TEST_KAFKA_START: "an Apache Kafka node did not start",
  EDDY_ERR_TEST_KAFKA_NODE: "an Apache Kafka node failed",
  EDDY_ERR_TEST_KAFKA_SELECTION: "EDDY_TEST_KAFKA names no broker the tests know",
} as const;

export type ApacheKafkaErrorCode = keyof typeof APACHE_KAFKA_ERRORS;

export class ApacheKafkaError extends Error {
  constructor(
    readonly code: ApacheKafkaErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
    this.name = "ApacheKafkaError";
  }
}

export class JavaMissingError extends ApacheKafkaError {
  constructor(detail: string) {
    super(
      "EDDY_ERR_TEST_JAVA_MISSING",
      `${detail}. The Apache Kafka suites (npm run test:kafka) run the real broker from its jars and need ` +
        "Java 17 or newer: install a JDK (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME. " +
        "npm test and npm start need no Java.",
    );
  }
}

export class MavenMissingError extends ApacheKafkaError {
  constructor(detail: string) {
    super(
      "EDDY_ERR_TEST_MAVEN_MISSING",
      `${detail}. The Apache Kafka suites (npm run test:kafka) resolve Kafka's jars from Maven Central with Maven: ` +
        "install it (e.g. apt-get install maven). npm test and npm start need no Maven.",
    );
  }
}
