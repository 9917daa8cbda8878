"""The URL-visit count on Faust (faust-streaming), for `npm run bench:peers`.

Each visit (key: the short code) adds one to the code's count in a Faust table (RocksDB
through rocksdict, backed by its changelog topic); the new count goes to the output topic
as text. Exactly-once (processing_guarantee "exactly_once": Kafka transactions), Faust's
defaults otherwise. Configured by the environment, as every peer: PEER_BOOTSTRAP,
PEER_APP_ID, PEER_STATE_DIR, PEER_INPUT, PEER_OUTPUT, PEER_PARTITIONS. It prints
"PROBE <epoch ms>" when it processes a record keyed "__probe__" (how the bench sees that a
restarted instance has restored its table and processes again).
"""

import os
import sys
import time

import faust


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"set {name}")
    return value


app = faust.App(
    env("PEER_APP_ID"),
    broker=f"kafka://{env('PEER_BOOTSTRAP')}",
    datadir=env("PEER_STATE_DIR"),
    store="rocksdb://",
    processing_guarantee="exactly_once",
    topic_partitions=int(env("PEER_PARTITIONS")),
    consumer_auto_offset_reset="earliest",
    web_enabled=False,
)
visits = app.topic(env("PEER_INPUT"), key_type=str, value_type=str, key_serializer="raw", value_serializer="raw")
counts_out = app.topic(env("PEER_OUTPUT"), key_serializer="raw", value_serializer="raw")
counts = app.Table("visit-counts", default=int, partitions=int(env("PEER_PARTITIONS")))


@app.agent(visits)
async def count(stream):
    async for key, _value in stream.items():
        code = key.decode() if isinstance(key, bytes) else key
        if code == "__probe__":
            print(f"PROBE {int(time.time() * 1000)}", flush=True)
        counts[code] += 1
        await counts_out.send(key=code.encode(), value=str(counts[code]).encode())


if __name__ == "__main__":
    print(f"STATE STARTING {int(time.time() * 1000)}", flush=True)
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn", "--without-web"]
    app.main()
