"""
Tributary's Spark Structured Streaming job: users.clean -> signups per minute by nationality,
gender and age bucket, in Cassandra. Run with spark-submit (scripts/stack/services/spark.ts does it
natively; the compose spark-job service against the Spark master).

  spark-submit ... spark/user_aggregates.py [--topic T] [--keyspace K] [--checkpoint-dir D] [--available-now]

Connection settings default to the variables layers/config/index.ts reads (KAFKA_BROKERS,
SCHEMA_REGISTRY_URL, CASSANDRA_CONTACT_POINTS, CASSANDRA_DC, CASSANDRA_KEYSPACE, TOPIC_USERS_CLEAN).
"""
import argparse
import logging
import os
import re
import sys
from typing import Optional

from pyspark.errors import StreamingQueryException
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from cassandra_sink import write_signups
from schema_registry import SchemaRegistry
from signups import UNREGISTERED_SCHEMA_ID, confluent_frames, decode_users, signups_per_minute

APP_NAME = "tributary-user-aggregates"
QUERY_NAME = "user_aggregates"

log = logging.getLogger("user_aggregates")


def from_env(name: str) -> dict[str, object]:
    """An option that defaults to an environment variable and is required without it. Endpoints and names
    have no default here: infra/topology.json is their home, and the native stack and docker-compose.yml
    pass them on."""
    value = os.environ.get(name, "").strip()
    return {"default": value, "help": f"(default: ${name})"} if value else {"required": True, "help": f"(or set {name})"}


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="user_aggregates.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers", **from_env("KAFKA_BROKERS"))
    parser.add_argument("--topic", **from_env("TOPIC_USERS_CLEAN"))
    parser.add_argument("--schema-registry-url", **from_env("SCHEMA_REGISTRY_URL"))
    parser.add_argument("--subject", help="registry subject of the values (default: <topic>-value)")
    parser.add_argument("--cassandra", **from_env("CASSANDRA_CONTACT_POINTS"))
    parser.add_argument("--cassandra-dc", **from_env("CASSANDRA_DC"))
    parser.add_argument("--keyspace", **from_env("CASSANDRA_KEYSPACE"))
    parser.add_argument("--checkpoint-dir", **from_env("SPARK_CHECKPOINT_DIR"))
    parser.add_argument("--watermark-delay", default="10 minutes", help="how late (in event time) a record may arrive and still count")
    parser.add_argument("--trigger-interval", default="30 seconds", help="micro-batch interval of the long-running query")
    parser.add_argument("--available-now", action="store_true", help="process what the topic holds now, then exit (tests, batch runs)")
    parser.add_argument("--shuffle-partitions", type=int, default=2, help="state partitions; fixed by the checkpoint after the first run")
    options = parser.parse_args(argv)
    options.subject = options.subject or f"{options.topic}-value"
    return options


def create_session(options: argparse.Namespace) -> SparkSession:
    # Memory, jars, UI and JVM flags are spark-submit's (they must be set before the JVM starts).
    return (
        SparkSession.builder.appName(APP_NAME)
        # Windows, days and ages are UTC whatever the machine's zone.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(options.shuffle_partitions))
        # Streaming ignores adaptive execution anyway; off, so it does not warn at every start.
        .config("spark.sql.adaptive.enabled", "false")
        # The state store keeps whole copies of its map per version in the heap; the dedup state is a
        # row per user signed up within the watermark delay. One copy covers every successful batch
        # (a failed one reloads from the checkpoint files).
        .config("spark.sql.streaming.maxBatchesToRetainInMemory", "1")
        .config("spark.cassandra.connection.host", options.cassandra)
        .config("spark.cassandra.connection.localDC", options.cassandra_dc)
        # The connector closes an idle session after 5 s, so every micro-batch would reconnect
        # (seconds of handshake and schema metadata); keep it across trigger intervals.
        .config("spark.cassandra.connection.keepAliveMS", str(5 * 60 * 1000))
        .getOrCreate()
    )


def start_query(spark: SparkSession, options: argparse.Namespace, writers: dict[int, Optional[str]]) -> StreamingQuery:
    kafka = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", options.bootstrap_servers)
        .option("subscribe", options.topic)
        .option("startingOffsets", "earliest")
        # Records deleted by retention (or a recreated topic) are gone either way: go on from what
        # the topic still holds, with Spark's warning in the log, instead of refusing to start.
        .option("failOnDataLoss", "false")
        .load()
    )
    counts = signups_per_minute(decode_users(confluent_frames(kafka), writers), options.watermark_delay)
    writer = (
        counts.writeStream.queryName(QUERY_NAME)
        # Each micro-batch emits only the windows it changed, with their full counts.
        .outputMode("update")
        .option("checkpointLocation", options.checkpoint_dir)
        .foreachBatch(write_signups(options.keyspace))
    )
    writer = writer.trigger(availableNow=True) if options.available_now else writer.trigger(processingTime=options.trigger_interval)
    return writer.start()


def unregistered_schema_id(err: StreamingQueryException) -> Optional[int]:
    match = re.search(re.escape(UNREGISTERED_SCHEMA_ID) + r"(\d+)", str(err))
    return int(match.group(1)) if match else None


def main(argv: list[str]) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # py4j logs every callback (each foreachBatch call) at INFO.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    options = parse_options(argv)
    registry = SchemaRegistry(options.schema_registry_url)
    writers: dict[int, Optional[str]] = dict(registry.subject_schemas(options.subject))
    spark = create_session(options)
    log.info(
        "reading %s from %s (writer schema ids %s), writing to keyspace %s, checkpoint %s, trigger %s",
        options.topic, options.bootstrap_servers, sorted(writers) or "none yet", options.keyspace,
        options.checkpoint_dir, "availableNow" if options.available_now else options.trigger_interval,
    )
    while True:
        query = start_query(spark, options, writers)
        try:
            query.awaitTermination()
        except StreamingQueryException as err:
            schema_id = unregistered_schema_id(err)
            if schema_id is None or schema_id in writers:
                raise
            # A schema registered after the job started: load it and go on from the checkpoint,
            # which replays the failed micro-batch. An id the registry does not know decodes to nothing.
            writers[schema_id] = registry.schema_by_id(schema_id)
            log.warning("schema id %d %s; restarting the query", schema_id, "loaded" if writers[schema_id] else "is not in the registry: its records are skipped")
            continue
        log.info("query finished: %s", query.lastProgress and {k: query.lastProgress[k] for k in ("batchId", "numInputRows")})
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
