"""The target groups that dissemination plans and surveys name most often; more can be added.

Plain data (no model import) so the migration that seeds them and the demo can share it.
"""

TARGET_GROUPS = [
    ("can-bo-chu-chot", "Cán bộ chủ chốt"),
    ("can-bo-huu-tri", "Cán bộ hưu trí"),
    ("dang-vien", "Đảng viên"),
    ("cong-chuc-vien-chuc", "Cán bộ, công chức, viên chức"),
    ("nganh-giao-duc", "Ngành giáo dục"),
    ("doan-vien-hoi-vien", "Đoàn viên, hội viên"),
    ("nhan-dan", "Nhân dân"),
]


def ensure_target_groups(TargetGroup) -> None:
    """Create the default groups that are missing (the model class is passed in, so the
    migration can hand over its historical model)."""
    for position, (code, name) in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "position": position})
