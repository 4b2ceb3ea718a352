"""Commands an operator runs on the server: `trienkhai backup` and `trienkhai restore`
(trienkhai/lib/backup.py holds their logic; docs/backups.md tells the operator)."""
