"""What the council app tells the apps above it (it imports none of them).

`deliberations_changed` is sent with ``papers`` (their primary keys) when an import may have
changed where or when they are deliberated: a meeting moved, cancelled or deleted, a
consultation, agenda item or decision changed. Records linked to these papers hold charter
evaluations that read those dates (`selectors.deliberation`); their apps connect a receiver
that evaluates them again. It is sent inside the transaction of the imported page, so that
the evaluations and the council's records never disagree after a run that stopped midway.
"""

from django.dispatch import Signal

deliberations_changed = Signal()
