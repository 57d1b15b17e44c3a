"""PostgreSQL raw_users, the system of record: which users a fetch batch brought."""

from __future__ import annotations

from contextlib import closing

import psycopg2

from tributary.settings import PostgresSettings


def user_ids_of_batch(settings: PostgresSettings, batch_id: str) -> list[str]:
    connection = psycopg2.connect(
        host=settings.host,
        port=settings.port,
        dbname=settings.database,
        user=settings.user,
        password=settings.password,
        connect_timeout=10,
        application_name="tributary-airflow",
    )
    with closing(connection), closing(connection.cursor()) as cursor:
        cursor.execute("SELECT user_id::text FROM raw_users WHERE batch_id = %s", (batch_id,))
        return [row[0] for row in cursor.fetchall()]
