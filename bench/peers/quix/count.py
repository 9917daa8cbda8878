"""The URL-visit count on Quix Streams, for `npm run bench:peers`.

Each visit (key: the short code) adds one to the code's count, kept in Quix Streams'
RocksDB state (backed by its changelog topic); the new count goes to the output topic as
text. Exactly-once ("exactly-once": Kafka transactions), Quix Streams' defaults otherwise
(its commit interval is 5 s). Configured by the environment, as every peer:
PEER_BOOTSTRAP, PEER_APP_ID (the consumer group), PEER_STATE_DIR, PEER_INPUT, PEER_OUTPUT.
It prints "PROBE <epoch ms>" when it processes a record keyed "__probe__" (how the bench
sees that a restarted instance has restored its state and processes again).
"""

import os
import sys
import time

from quixstreams import Application


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"set {name}")
    return value


def main() -> None:
    app = Application(
        broker_address=env("PEER_BOOTSTRAP"),
        consumer_group=env("PEER_APP_ID"),
        state_dir=env("PEER_STATE_DIR"),
        auto_offset_reset="earliest",
        processing_guarantee="exactly-once",
        loglevel="WARNING",
    )
    visits = app.topic(env("PEER_INPUT"), key_deserializer="str", value_deserializer="str")
    counts = app.topic(env("PEER_OUTPUT"), key_serializer="str", value_serializer="str")

    def count(value: str, key: str, timestamp: int, headers, state) -> str:
        if key == "__probe__":
            print(f"PROBE {int(time.time() * 1000)}", flush=True)
        total = state.get("count", 0) + 1
        state.set("count", total)
        return str(total)

    app.dataframe(visits).apply(count, stateful=True, metadata=True).to_topic(counts)
    print(f"STATE STARTING {int(time.time() * 1000)}", flush=True)
    app.run()


if __name__ == "__main__":
    main()
