"""What the audit trail tells apps above it: a record was saved with a named event.

``record_saved`` is sent by :func:`audit.services.save_record` inside the write's
transaction, after the entry is appended, with ``record``, ``actor`` and ``entry``.
A receiver that queues work (an e-mail for the task worker) queues it in the same
transaction: it is done only if the change is committed. Apps above audit subscribe in
their ``AppConfig.ready``; audit imports none of them.
"""

from django.dispatch import Signal

record_saved = Signal()
