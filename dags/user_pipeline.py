"""
### user_pipeline — Airflow coordinates Tributary, one run per logical date

1. **fetch** invokes `tributary-<stage>-fetch` through the Lambda API (serverless-offline locally,
   AWS Lambda when deployed) with `seed` and `page` taken from the run's logical date and
   `batchId` `airflow:<logical date>`: a rerun or a backfill of a date fetches the same users, and
   every write is an upsert keyed by `login.uuid`, so it adds none. A function error fails the task.
2. **drain_publish** invokes `tributary-<stage>-publish`: the outbox goes to `users.raw` now (or,
   when a publish is already draining it, that one carries these rows too and this returns at once).
3. **check_users_in_cassandra** waits (bounded) until every user of the run's batch, as PostgreSQL
   `raw_users` lists them, is in Cassandra `created_users`; otherwise it fails naming how many are
   missing.

Param `results`: users per run (1–5000). Settings come from the environment
(`dags/tributary/settings.py`); the schedule is `USER_PIPELINE_SCHEDULE` (default every 5 minutes).
When this DAG runs on a schedule, start the functions with `FETCH_SCHEDULE_ENABLED=false` so the
serverless.yml cron does not fetch as well.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from airflow.providers.amazon.aws.operators.lambda_function import LambdaInvokeFunctionOperator
from airflow.sdk import DAG, Param, task

from tributary.created_users import CreatedUsers
from tributary.quality import wait_until_in_cassandra
from tributary.raw_users import user_ids_of_batch
from tributary.settings import load_settings

settings = load_settings()
log = logging.getLogger(__name__)

#: The functions' own timeouts (serverless.yml): fetch 300 s, publish the provider default 120 s.
FETCH_TIMEOUT = timedelta(seconds=330)
PUBLISH_TIMEOUT = timedelta(seconds=150)


class RunDates(Protocol):
    logical_date: datetime | None
    run_after: datetime


def fetch_request(dag_run: RunDates, results: int) -> str:
    """The fetch payload of a run. A manual run without a logical date uses its run_after."""
    when = (dag_run.logical_date or dag_run.run_after).astimezone(UTC)
    return json.dumps(
        {
            # The seed accepts [A-Za-z0-9_.-]: the date with its colons turned into dashes.
            "seed": when.strftime("%Y-%m-%dT%H-%M-%S"),
            "page": 1,
            "results": int(results),
            "batchId": f"airflow:{when.isoformat()}",
        }
    )


def invoke_function(task_id: str, function_name: str, payload: str, timeout: timedelta) -> LambdaInvokeFunctionOperator:
    """A synchronous Lambda invocation through the tributary_lambda connection, bounded by timeout."""
    return LambdaInvokeFunctionOperator(
        task_id=task_id,
        function_name=function_name,
        payload=payload,
        aws_conn_id=settings.lambda_connection,
        # One attempt per task try: Airflow's retries are the retries, visible in the UI.
        botocore_config={"connect_timeout": 10, "read_timeout": int(timeout.total_seconds()), "retries": {"total_max_attempts": 1}},
        execution_timeout=timeout + timedelta(seconds=30),
    )


with DAG(
    dag_id="user_pipeline",
    description="fetch users for the logical date -> drain the outbox -> check they reached Cassandra",
    doc_md=__doc__,
    schedule=settings.schedule,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    # Runs of different dates never interleave their fetch and check.
    max_active_runs=1,
    params={"results": Param(settings.results, type="integer", minimum=1, maximum=5000, description="users fetched per run")},
    user_defined_macros={"fetch_request": fetch_request},
    default_args={"retries": settings.retries, "retry_delay": settings.retry_delay},
    tags=["tributary"],
) as dag:
    fetch = invoke_function("fetch", settings.fetch_function, "{{ fetch_request(dag_run, params.results) }}", FETCH_TIMEOUT)
    drain_publish = invoke_function("drain_publish", settings.publish_function, "{}", PUBLISH_TIMEOUT)

    @task(execution_timeout=settings.cassandra_wait + timedelta(seconds=120))
    def check_users_in_cassandra(fetch_report: str) -> dict[str, Any]:
        """Every user of this run's batch is in Cassandra, within the bounded wait."""
        report = json.loads(fetch_report)
        batch_id = str(report["batchId"])
        user_ids = user_ids_of_batch(settings.postgres, batch_id)
        if len(user_ids) < int(report["persisted"]):
            # Another batch re-fetched some of these users since (upserts move batch_id); check what is left.
            log.warning("raw_users holds %d users for batch %s; fetch persisted %s", len(user_ids), batch_id, report["persisted"])
        with CreatedUsers(settings.cassandra) as created_users:
            wait_until_in_cassandra(batch_id, user_ids, created_users.present, settings.cassandra_wait, settings.poll_interval)
        log.info("all %d users of batch %s are in Cassandra created_users", len(user_ids), batch_id)
        return {"batchId": batch_id, "users": len(user_ids), "inCassandra": len(user_ids)}

    check = check_users_in_cassandra(fetch.output)  # type: ignore[arg-type]  # an XComArg resolves to the str at run time
    fetch >> drain_publish >> check
