"""Bounds of the register's search and of the organisation tree, in bare SQL.

The register: documents a manager of a subtree may read (its own registers, issued documents of
the units above it, external issued documents) holding every searched word in their folded
search text; counted up to the page's cap, and one page of rows, newest first (see
documents/rules.py and selectors.py). The tree: a unit's current children by name.
"""

from trienkhai.documents.models import ISSUED_STATES
from trienkhai.lib.text import fold
from trienkhai.org.models import Unit

from .bounds_common import ancestor_paths, fetch, placeholders, prefix

ISSUED = [str(s) for s in ISSUED_STATES]
LIST_COLUMNS = """d.id, d.system, d.doc_type, d.number, d.number_text, d.issuer_code,
    d.issuer_name, d.issuer_unit_id, d.owner_unit_id, d.is_external, d.signer_name,
    d.signer_title, d.issued_on, d.summary, d.status"""


def register_search(scope_path: str, words: str, page_size: int, count_limit: int) -> dict:
    """Count (capped) and first page of a word search as a manager of `scope_path`.

    The units' ids come first, as literal lists, as the product does: PostgreSQL can then
    combine the owner index with the text index."""
    own = [r[0] for r in fetch("SELECT id FROM org_unit WHERE path LIKE %s", [prefix(scope_path)])]
    above_paths = ancestor_paths(scope_path, Unit.steplen)
    above = [
        r[0]
        for r in fetch(
            f"SELECT id FROM org_unit WHERE path IN ({placeholders(above_paths)})", above_paths
        )
    ]
    issued = placeholders(ISSUED)
    visible = f"""((d.is_external AND d.status IN ({issued}))
        OR d.owner_unit_id IN ({placeholders(own)})
        OR (d.owner_unit_id IN ({placeholders(above)}) AND d.status IN ({issued})))"""
    folded = fold(words).split()
    text = " AND ".join(["d.search_text LIKE %s"] * len(folded)) or "1 = 1"
    params = [*ISSUED, *own, *above, *ISSUED, *(f"%{w}%" for w in folded)]
    (counted,) = fetch(
        f"""SELECT COUNT(*) FROM (SELECT 1 FROM documents_document d
            WHERE {visible} AND {text} LIMIT {count_limit + 1}) c""",
        params,
    )[0]
    rows = fetch(
        f"""SELECT {LIST_COLUMNS} FROM documents_document d WHERE {visible} AND {text}
        ORDER BY d.issued_on DESC NULLS FIRST, d.id DESC LIMIT {page_size}""",
        params,
    )
    return {"count": min(counted, count_limit), "rows": len(rows)}


def children(unit_id: int) -> list[tuple]:
    """The unit's current children, by name: the rows the tree shows when a node opens."""
    (row,) = fetch("SELECT id, path, depth FROM org_unit WHERE id = %s", [unit_id])
    return fetch(
        """SELECT id, path, depth, numchild, kind, name, ended_on FROM org_unit
        WHERE path LIKE %s AND depth = %s AND ended_on IS NULL ORDER BY name, path""",
        [prefix(row[1]), row[2] + 1],
    )
