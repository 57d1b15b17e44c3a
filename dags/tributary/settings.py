"""
The DAG's settings, read from the environment in this one place. Variable names are the functions'
(layers/config/index.ts). Where to reach PostgreSQL, Cassandra and the functions has no default
here: infra/topology.json is its one home, and whoever starts Airflow passes it on (the native
stack's scripts/stack/services/airflow.ts, docker-compose.yml's generated values, a deployment's
environment). Only the DAG's own knobs (schedule, batch size, retries) default here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta


class SettingsError(ValueError):
    """A setting that is present but unusable, named with its variable."""


def _text(name: str, default: str) -> str:
    value = os.environ.get(name, "")
    return value if value.strip() else default


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingsError(
            f"{name} is not set: the native stack and docker-compose.yml set it from infra/topology.json; elsewhere, set it in Airflow's environment"
        )
    return value


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _port(name: str) -> int:
    raw = _required(name)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class PostgresSettings:
    host: str
    port: int
    database: str
    user: str
    password: str


@dataclass(frozen=True)
class CassandraSettings:
    contact_points: tuple[str, ...]
    port: int
    local_dc: str
    keyspace: str


@dataclass(frozen=True)
class PipelineSettings:
    fetch_function: str
    publish_function: str
    #: The Airflow connection for the Lambda API (the native stack points it at serverless-offline).
    lambda_connection: str
    #: Cron expression or preset (e.g. "*/5 * * * *", "@hourly"): how often a run fetches.
    schedule: str
    #: Users per run, unless the run's `results` param says otherwise.
    results: int
    retries: int
    retry_delay: timedelta
    #: How long the data-quality task waits for a run's users to reach Cassandra.
    cassandra_wait: timedelta
    poll_interval: timedelta
    postgres: PostgresSettings
    cassandra: CassandraSettings


def _cassandra() -> CassandraSettings:
    # "host:port,host:port" as the functions take it; the driver wants hosts and one port.
    points = [p.strip() for p in _required("CASSANDRA_CONTACT_POINTS").split(",") if p.strip()]
    hosts: list[str] = []
    ports: set[int] = set()
    for point in points:
        host, _, port = point.rpartition(":") if point.count(":") == 1 else (point, "", "")
        if not port.isdigit():
            raise SettingsError(f"CASSANDRA_CONTACT_POINTS must be host:port,... got {point!r}")
        hosts.append(host)
        ports.add(int(port))
    if len(ports) != 1:
        raise SettingsError(f"CASSANDRA_CONTACT_POINTS must use one port for every host, got {points}")
    return CassandraSettings(
        contact_points=tuple(hosts),
        port=ports.pop(),
        local_dc=_required("CASSANDRA_DC"),
        keyspace=_required("CASSANDRA_KEYSPACE"),
    )


def load_settings() -> PipelineSettings:
    return PipelineSettings(
        fetch_function=_required("FETCH_FUNCTION_NAME"),
        publish_function=_required("PUBLISH_FUNCTION_NAME"),
        lambda_connection=_text("TRIBUTARY_LAMBDA_CONN_ID", "tributary_lambda"),
        schedule=_text("USER_PIPELINE_SCHEDULE", "*/5 * * * *"),
        results=_int("USER_PIPELINE_RESULTS", 500, minimum=1),
        retries=_int("USER_PIPELINE_RETRIES", 2),
        retry_delay=timedelta(seconds=_int("USER_PIPELINE_RETRY_DELAY_SECONDS", 30)),
        cassandra_wait=timedelta(seconds=_int("USER_PIPELINE_CASSANDRA_WAIT_SECONDS", 300, minimum=1)),
        poll_interval=timedelta(seconds=_int("USER_PIPELINE_POLL_SECONDS", 5, minimum=1)),
        postgres=PostgresSettings(
            host=_required("POSTGRES_HOST"),
            port=_port("POSTGRES_PORT"),
            database=_required("POSTGRES_DB"),
            user=_required("POSTGRES_USER"),
            password=_required("POSTGRES_PASSWORD"),
        ),
        cassandra=_cassandra(),
    )
