"""
users.clean records -> signups per minute by nationality, gender and age bucket. DataFrame
expressions only (no Python UDFs), so executors never run Python and the plan stays in the JVM.
"""
import json
from typing import Optional

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro

# Raised inside the plan for a schema id the job has not loaded; user_aggregates.py catches it,
# fetches that id from the registry and restarts the query from its checkpoint.
UNREGISTERED_SCHEMA_ID = "tributary: unregistered schema id "

# The reader schema: the fields the aggregates need, under the writer's record name so Avro
# resolves every registered CleanUser version into it (extra writer fields are skipped).
READER_SCHEMA = json.dumps({
    "type": "record",
    "name": "CleanUser",
    "namespace": "dev.tributary",
    "fields": [
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "gender", "type": "string"},
        {"name": "dob", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "nat", "type": "string"},
    ],
})

# (upper bound exclusive, label); ages at or past the last bound are "65+".
AGE_BUCKETS = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))


def confluent_frames(kafka: DataFrame) -> DataFrame:
    """Kafka rows in the Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body.
    The event time is the record's Kafka timestamp: when transform put the user on users.clean."""
    value = F.col("value")
    return kafka.where((F.length(value) >= 5) & (F.hex(F.substring(value, 1, 1)) == "00")).select(
        F.conv(F.hex(F.substring(value, 2, 4)), 16, 10).cast("long").alias("schema_id"),
        F.expr("substring(value, 6, length(value) - 5)").alias("payload"),
        F.col("timestamp").alias("signed_up_at"),
    )


def decode_users(frames: DataFrame, writers: dict[int, Optional[str]]) -> DataFrame:
    """Each record decoded with its own writer's schema (the id in its header), resolved to READER_SCHEMA.
    An id the registry does not know (None) or an undecodable body gives no user; an id not in
    `writers` stops the query with UNREGISTERED_SCHEMA_ID so it can be loaded."""
    schema_id = F.col("schema_id")
    options = {"mode": "PERMISSIVE", "avroSchema": READER_SCHEMA}
    user: Column = F.raise_error(F.concat(F.lit(UNREGISTERED_SCHEMA_ID), schema_id.cast("string")))
    # Id -1 never occurs (ids are read unsigned); its branch gives the column the reader's type
    # even before any writer schema is known.
    for writer_id, writer in sorted({-1: READER_SCHEMA, **writers}.items()):
        decoded = from_avro(F.col("payload"), writer, options) if writer is not None else F.lit(None)
        user = F.when(schema_id == writer_id, decoded).otherwise(user)
    # PERMISSIVE gives an undecodable body a row of nulls, and no reader field is nullable in Avro:
    # a null id means no user. Dropped by exploding an empty array, not by a filter, which Spark
    # would push below the projection and so decode every record twice.
    decoded = frames.select(user.alias("user"), "signed_up_at")
    return decoded.select(F.explode(F.when(F.col("user.id").isNotNull(), F.array("user"))).alias("user"), "signed_up_at").select(
        "user.id", "user.gender", "user.dob", "user.nat", "signed_up_at"
    )


def age_bucket(born: Column, at: Column) -> Column:
    """Whole years from `born` to `at` (UTC calendar: a birthday counts from its own instant), bucketed."""
    before_birthday = F.date_format(at, "MMddHHmmssSSS") < F.date_format(born, "MMddHHmmssSSS")
    age = F.year(at) - F.year(born) - F.when(before_birthday, 1).otherwise(0)
    bucket = F.when(age < 0, F.lit("unknown"))
    for bound, label in AGE_BUCKETS:
        bucket = bucket.when(age < bound, F.lit(label))
    return bucket.otherwise(F.lit("65+"))


def signups_per_minute(users: DataFrame, watermark_delay: str) -> DataFrame:
    """One row per (minute window, dimension, value) with that window's full count so far.

    The watermark bounds state (windows older than it are final and dropped from state) and how late
    a record may be; a user id seen again within the delay (a retried transform batch) is counted once.
    """
    deduplicated = users.withWatermark("signed_up_at", watermark_delay).dropDuplicatesWithinWatermark(["id"])
    by_dimension = deduplicated.select(
        "signed_up_at",
        F.explode(F.array(
            F.struct(F.lit("nat").alias("dimension"), F.col("nat").alias("value")),
            F.struct(F.lit("gender").alias("dimension"), F.col("gender").alias("value")),
            F.struct(F.lit("age_bucket").alias("dimension"), age_bucket(F.col("dob"), F.col("signed_up_at")).alias("value")),
        )).alias("d"),
    )
    return (
        by_dimension.groupBy(F.window("signed_up_at", "1 minute").alias("window"), F.col("d.dimension").alias("dimension"), F.col("d.value").alias("value"))
        .agg(F.count(F.lit(1)).alias("signups"))
    )
