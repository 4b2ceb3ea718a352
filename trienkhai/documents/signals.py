"""Signals other apps listen to, so the register needs to know nothing about them.

`document_issued(sender=Document, document=...)` is sent, inside the transaction, when a document enters
the register as issued or a draft is signed: plans close the tasks whose output it is.
"""

from django.dispatch import Signal

document_issued = Signal()
