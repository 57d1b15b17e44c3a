"""Cassandra created_users, where the sink lands users: which of some user ids are there."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from types import TracebackType

from cassandra.cluster import Cluster, Session
from cassandra.policies import DCAwareRoundRobinPolicy

from tributary.settings import CassandraSettings

#: Keys per IN query: small enough for the coordinator, few round trips for a run's batch.
IDS_PER_QUERY = 100


class CreatedUsers:
    """Open with `with CreatedUsers(settings) as users:`; the connection closes on exit."""

    def __init__(self, settings: CassandraSettings) -> None:
        self._cluster = Cluster(
            contact_points=list(settings.contact_points),
            port=settings.port,
            load_balancing_policy=DCAwareRoundRobinPolicy(local_dc=settings.local_dc),
            connect_timeout=10,
        )
        self._keyspace = settings.keyspace
        self._session: Session | None = None

    def __enter__(self) -> CreatedUsers:
        self._session = self._cluster.connect(self._keyspace)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None) -> None:
        self._cluster.shutdown()

    def present(self, user_ids: Iterable[str]) -> set[str]:
        """The given ids that have a row in created_users."""
        if self._session is None:
            raise RuntimeError("CreatedUsers is used outside its `with` block")
        ids = [uuid.UUID(i) for i in user_ids]
        statement = self._session.prepare("SELECT id FROM created_users WHERE id IN ?")
        found: set[str] = set()
        for start in range(0, len(ids), IDS_PER_QUERY):
            rows = self._session.execute(statement, [ids[start : start + IDS_PER_QUERY]], timeout=30)
            found.update(str(row.id) for row in rows)
        return found
