"""Benchmark tooling shipped with the product (`trienkhai bench ...`), never run by the tests."""
