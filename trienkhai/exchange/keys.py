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


KINDS = {
    "units": "unit",
    "documents": "document",
    "programmes": "programme",
    "indicators": "indicator",
    "tasks": "task",
    "requirements": "requirement",
}


class KeyMap:
    """The local ids a package's keys name: those earlier imports recorded (read once per kind,
    not once per record) and this deployment's own keys."""

    def __init__(self, package: dict, own_origin: str):
        self.own = own_origin
        self.recorded: dict[str, dict[str, int]] = {}
        for section, kind in KINDS.items():
            keys = [row["key"] for row in package.get(section, []) if row.get("key")]
            found = self.recorded.setdefault(kind, {})
            for start in range(0, len(keys), 5000):
                found.update(
                    ExchangeKey.objects.filter(kind=kind, key__in=keys[start : start + 5000])
                    .values_list("key", "object_id")
                    .iterator()
                )

    def local_id(self, key: str, kind: str) -> int | None:
        recorded = self.recorded.get(kind, {}).get(key)
        if recorded is not None:
            return recorded
        head, _sep, tail = key.rpartition(":")
        if head == f"{self.own}:{kind}" and tail.isdigit() and len(tail) <= 18:
            return int(tail)
        return None

    def remember(self, key: str, kind: str, object_id: int) -> None:
        """Record which row a foreign key became, so the next package finds it again."""
        if key == f"{self.own}:{kind}:{object_id}" or self.recorded[kind].get(key) == object_id:
            return
        ExchangeKey.objects.update_or_create(kind=kind, key=key, defaults={"object_id": object_id})
        self.recorded[kind][key] = object_id
