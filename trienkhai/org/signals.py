"""Signals other apps listen to, so the tree needs to know nothing about them.

`unit_moved(sender=Unit, unit=..., old_path=..., new_path=...)` is sent, inside the transaction,
after a unit (with its subtree) moved under another parent: the paths below it changed, so
whatever other apps keep by path (the plans' task tallies) follows.
"""

from django.dispatch import Signal

unit_moved = Signal()
