"""A bounded pool of PostgreSQL connections in each long-running process (the server's
workers, the task worker): at most DATABASE_POOL_MAX_SIZE connections a process, lent to a
request thread or a task while it runs, so idle threads hold none.

One-off commands (migrate, audit verify, …) connect without a pool: a pool would only make
them wait for a database that cannot be reached instead of saying so at once.
"""

from django.conf import settings
from django.db import connections

# Seconds a request waits for a connection of the pool before it fails; a database whose
# connections carry a shorter connect_timeout (the replica: it may be gone, and then the
# primary answers) is waited for no longer than that.
POOL_TIMEOUT = 10


def use_connection_pool() -> None:
    """Give every PostgreSQL database a pool in this process (each server worker calls it)."""
    size = settings.DATABASE_POOL_MAX_SIZE
    for connection in connections.all():
        if connection.vendor != "postgresql" or not size:
            continue
        connection.close()
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options["pool"] = {
            "min_size": 1,
            "max_size": size,
            "timeout": min(POOL_TIMEOUT, options.get("connect_timeout", POOL_TIMEOUT)),
        }
