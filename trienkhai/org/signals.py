"""Signals other apps listen to, so the tree needs to know nothing about them.

`unit_moved(sender=Unit, unit=..., old_path=..., new_path=...)` is sent, inside the transaction,
after a unit (with its subtree) moved under another parent: the paths below it changed, so
whatever other apps keep by path (the plans' task tallies) follows.

`units_ended(sender=Unit, unit_ids=[...])` is sent, inside the transaction, after a merge, a
split or a dissolution ended units and recorded their successors: what other apps decide from
a unit's successors (the plans' compliance cells) is decided again.
"""

from django.dispatch import Signal

unit_moved = Signal()
units_ended = Signal()
