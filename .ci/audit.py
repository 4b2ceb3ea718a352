"""Read pip-audit's JSON report (argv[1]) of the installed dependencies and decide.

Fails (exit 1) on any known vulnerability. When no dependency could be audited at all, the
vulnerability service was unreachable (a closed network: PyPI's per-version JSON and OSV both
answer nothing): that is said plainly and does not fail the run, because it says nothing of the
dependencies. Partly audited sets list what was skipped.
"""

import json
import sys


def main(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as error:
        print(f"WARNING: pip-audit wrote no report ({error}); no audit this run")
        return 0
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        return 1
    if deps and not audited:
        print(
            f"WARNING: none of the {len(deps)} dependencies could be audited: no vulnerability "
            "database is reachable from this machine. Run `bash .ci/run` where PyPI's JSON API "
            "or api.osv.dev answers for a real audit."
        )
        return 0
    for dep in skipped:
        print(f"not audited: {dep['name']} ({dep['skip_reason']})")
    print(f"{len(audited)} dependencies audited, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
