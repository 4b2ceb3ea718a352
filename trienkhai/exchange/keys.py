"""Keys of a package: "<origin>:<kind>:<id>". A row that came from another deployment keeps the
key it came with, so a file can go up, come back and go up again without making copies."""

from __future__ import annotations

from .models import ExchangeKey, Instance


def origin() -> str:
    instance = Instance.objects.order_by("pk").first() or Instance.objects.create()
    return instance.origin.hex


class KeyBook:
    """Keys for the rows of one export (one query per kind, not per row)."""

    def __init__(self):
        self.origin = origin()
        self._known: dict[str, dict[int, str]] = {}

    def preload(self, kind: str, ids) -> None:
        ids = [i for i in set(ids) if i is not None]
        known = self._known.setdefault(kind, {})
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for key, object_id in ExchangeKey.objects.filter(
                kind=kind, object_id__in=chunk
            ).values_list("key", "object_id"):
                known.setdefault(object_id, key)

    def key(self, kind: str, object_id: int | None) -> str | None:
        if object_id is None:
            return None
        return self._known.get(kind, {}).get(object_id) or f"{self.origin}:{kind}:{object_id}"


def local_id(key: str, kind: str, own_origin: str) -> int | None:
    """The local id a key names: one recorded by an earlier import, or one of our own."""
    recorded = ExchangeKey.objects.filter(kind=kind, key=key).values_list("object_id", flat=True)
    for object_id in recorded:
        return object_id
    head, _sep, tail = key.rpartition(":")
    if head == f"{own_origin}:{kind}" and tail.isdigit() and len(tail) <= 18:
        return int(tail)
    return None


def remember(key: str, kind: str, object_id: int, own_origin: str) -> None:
    if key == f"{own_origin}:{kind}:{object_id}":
        return  # our own key names the row already
    ExchangeKey.objects.update_or_create(kind=kind, key=key, defaults={"object_id": object_id})
