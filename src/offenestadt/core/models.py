"""The platform's own tables: the counters behind every rate limit (see core.throttle) and
the task workers' heartbeats (see core.worker)."""

from typing import ClassVar

from django.db import models


class ThrottleCounter(models.Model):
    """Attempts counted for one key in one scope since its window started.

    ``key_hash`` is a keyed hash (HMAC-SHA256 under SECRET_KEY) of what is counted: an
    account name, or an address that was hashed under a key of the day before. No name and no
    address is stored. Counters go with the retention task after a day (the register's
    "sign-in-throttle" and "rate-limit" categories).
    """

    scope = models.CharField(max_length=60)
    key_hash = models.CharField(max_length=64)
    window_started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["scope", "key_hash"], name="unique_throttle_counter")
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.count} since {self.window_started_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one task worker (`offenestadt worker`, see core.worker).

    One row a worker process, written every few seconds; rows of workers gone for a day are
    deleted by the next heartbeat. Holds no personal data."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id}: seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
