"""The REST API (/api/): the same rules and services as the pages, for scripts and other
systems. docs/api.md explains auth, pagination, errors, concurrency and idempotency."""
