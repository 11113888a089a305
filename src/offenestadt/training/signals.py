"""What the training catalogue tells the apps above it (it imports none of them).

`courses_changed` is sent with ``projects`` (their primary keys) after a course or one of
its sessions was saved: the charter's rule on free training (P4) reads the courses linked to
a project and their sessions, so the project register connects a receiver that evaluates
those projects again, in the same transaction.
"""

from django.dispatch import Signal

courses_changed = Signal()
