"""What the software register tells the apps above it (it imports none of them).

`component_changed` is sent with ``component`` (its primary key) after a register entry was
saved: the projects whose software parts name it are judged on its facts, so their app
connects a receiver that evaluates them again, in the same transaction.
"""

from django.dispatch import Signal

component_changed = Signal()
