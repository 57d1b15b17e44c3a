"""
Each micro-batch's updated windows -> three Cassandra tables, through the spark-cassandra-connector.
A Cassandra write is an upsert keyed by (day, window_start, value) and carries the window's full
count, so a micro-batch replayed after a crash (same offsets, same state) rewrites the same rows.
"""
import logging
from typing import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# dimension (signups.signups_per_minute) -> (table, its dimension column); infra/cassandra/migrations/002_signups_by_minute.cql.
TABLES = {
    "nat": ("signups_by_nat_minute", "nat"),
    "gender": ("signups_by_gender_minute", "gender"),
    "age_bucket": ("signups_by_age_bucket_minute", "age_bucket"),
}

log = logging.getLogger("user_aggregates")


def write_signups(keyspace: str) -> Callable[[DataFrame, int], None]:
    def write(batch: DataFrame, batch_id: int) -> None:
        # Three writes read the batch: cache it so the stateful plan above runs once.
        batch.persist()
        try:
            written = {row["dimension"]: row["rows"] for row in batch.groupBy("dimension").agg(F.count(F.lit(1)).alias("rows")).collect()}
            for dimension, (table, column) in TABLES.items():
                if not written.get(dimension):
                    continue
                (
                    batch.where(F.col("dimension") == dimension)
                    .select(
                        F.to_date("window.start").alias("day"),
                        F.col("window.start").alias("window_start"),
                        F.col("value").alias(column),
                        F.col("window.end").alias("window_end"),
                        F.col("signups"),
                    )
                    .write.format("org.apache.spark.sql.cassandra")
                    .options(keyspace=keyspace, table=table)
                    .mode("append")
                    .save()
                )
            if written:
                log.info("batch %d: upserted %s", batch_id, ", ".join(f"{n} {TABLES[d][0]} rows" for d, n in sorted(written.items())))
        finally:
            batch.unpersist()

    return write
