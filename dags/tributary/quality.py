"""The data-quality check: a batch's users reach Cassandra within a bounded wait, or it fails."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from datetime import timedelta

log = logging.getLogger(__name__)


class UsersMissingFromCassandra(Exception):
    """Some users of a batch were not in created_users when the wait ended."""

    def __init__(self, batch_id: str, missing: Collection[str], total: int, waited: timedelta) -> None:
        examples = ", ".join(sorted(missing)[:5])
        super().__init__(
            f"{len(missing)} of {total} users of batch {batch_id} are not in Cassandra created_users "
            f"after waiting {waited.total_seconds():.0f}s (e.g. {examples}); "
            "check the transform and sink functions, users.dlq and the offline Kafka consumers"
        )
        self.batch_id = batch_id
        self.missing = frozenset(missing)
        self.total = total


def wait_until_in_cassandra(
    batch_id: str,
    user_ids: Collection[str],
    present: Callable[[Collection[str]], set[str]],
    wait: timedelta,
    poll_interval: timedelta,
) -> None:
    """Polls `present` until every id is found; raises UsersMissingFromCassandra at the deadline."""
    deadline = time.monotonic() + wait.total_seconds()
    missing = set(user_ids)
    while True:
        missing -= present(missing)
        if not missing:
            return
        if time.monotonic() >= deadline:
            raise UsersMissingFromCassandra(batch_id, missing, len(user_ids), wait)
        log.info("%d of %d users of batch %s not in Cassandra yet; polling again", len(missing), len(user_ids), batch_id)
        time.sleep(poll_interval.total_seconds())
