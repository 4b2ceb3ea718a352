"""The people of a consultation: the City Standing Committee (BTV) and Executive Committee (BCH)
of Bến Tre, the Office clerk who organises, and a draft of the working rules with its file.

Tỉnh ủy Bến Tre
└── Thành ủy Bến Tre (ThU, term "Khóa XII" from 2020-09-01)
    ├── Ban Thường vụ Thành ủy      An (Bí thư), Bình (Phó Bí thư), Cường (Ủy viên BTV)
    ├── Ban Chấp hành Đảng bộ TP    An, Bình, Cường, Dung; Em (no account, e-mail only)
    ├── Ban Tuyên giáo, wards...    (from tests/conftest.py)

Import the fixtures into a test module: `from tests.documents.consultation_world import *`.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.documents import builders
from trienkhai.documents import consultation as consult
from trienkhai.documents import files
from trienkhai.org import services as org
from trienkhai.org.models import PositionRole, UnitKind

WORKING_RULES = (
    "Quy chế làm việc của Ban Chấp hành, Ban Thường vụ, Thường trực Thành ủy khóa XII, "
    "nhiệm kỳ 2020 - 2025"
)


class World:
    """Named handles on the consultation personas."""


def _member(tree, name, username, email, *positions, account=True):
    user = None
    if account:
        user = make_user(username)
        user.email = email
        user.save(update_fields=["email"])
    person = org.person_save(
        actor=None, full_name=name, home_unit=tree.city, email=email, user=user
    )
    for unit, role, title in positions:
        org.position_save(
            actor=None,
            person=person,
            unit=unit,
            role=role,
            title=title,
            start_on=dt.date(2020, 9, 1),
        )
    return person


@pytest.fixture
def world(tree):
    w = World()
    w.tree = tree
    w.city = tree.city
    w.term = org.term_save(
        actor=None, unit=tree.city, name="Khóa XII", start_on=dt.date(2020, 9, 1)
    )
    w.btv = org.unit_create(
        actor=None,
        parent=tree.city,
        kind=UnitKind.STANDING_COMMITTEE,
        name="Ban Thường vụ Thành ủy Bến Tre",
        short_name="BTV",
    )
    w.bch = org.unit_create(
        actor=None,
        parent=tree.city,
        kind=UnitKind.EXECUTIVE_COMMITTEE,
        name="Ban Chấp hành Đảng bộ thành phố Bến Tre",
        short_name="BCH",
    )
    R = PositionRole
    w.an = _member(
        tree,
        "Nguyễn Văn An",
        "an",
        "an@thanhuy.example.vn",
        (w.btv, R.SECRETARY, "Bí thư Thành ủy"),
        (w.bch, R.EXECUTIVE_MEMBER, ""),
    )
    w.binh = _member(
        tree,
        "Trần Thị Bình",
        "binh",
        "binh@thanhuy.example.vn",
        (w.btv, R.DEPUTY_SECRETARY, "Phó Bí thư Thường trực Thành ủy"),
        (w.bch, R.EXECUTIVE_MEMBER, ""),
    )
    w.cuong = _member(
        tree,
        "Lê Văn Cường",
        "cuong",
        "cuong@thanhuy.example.vn",
        (w.btv, R.STANDING_MEMBER, "Trưởng Ban Tuyên giáo Thành ủy"),
        (w.bch, R.EXECUTIVE_MEMBER, ""),
    )
    w.dung = _member(
        tree,
        "Phạm Thị Dung",
        "dung",
        "dung@phuong.example.vn",
        (w.bch, R.EXECUTIVE_MEMBER, "Bí thư Đảng ủy Phường An Hội"),
    )
    w.em = _member(
        tree,
        "Võ Văn Em",
        "em",
        "em@xa.example.vn",
        (w.bch, R.EXECUTIVE_MEMBER, ""),
        account=False,
    )
    return w


def docx_upload(name="du-thao-quy-che.docx", *paragraphs):
    data = builders.docx_bytes(*(paragraphs or ("Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng")))
    return builders.upload(name, data, builders.DOCX_TYPE)


@pytest.fixture
def draft(world):
    """The draft working rules in the City's register, version 1 with its Word file."""
    document = builders.draft(world.city, WORKING_RULES, doc_type="QC")
    files.file_attach(
        actor=None, document=document, uploaded=docx_upload(), version=document.versions.get()
    )
    return document


def open_round(draft, *, actor=None, units=(), persons=(), roles=(), days=7, message=""):
    return consult.consultation_open(
        actor=actor,
        document=draft,
        persons=persons,
        position_units=units,
        position_roles=roles,
        deadline=timezone.now() + dt.timedelta(days=days),
        message=message or "Đề nghị các đồng chí nghiên cứu, góp ý.",
    )


def user_of(person):
    return person.user


def pass_deadline(consultation, hours=1):
    """Move a round's deadline into the past, as if the days had gone by."""
    type(consultation).objects.filter(pk=consultation.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=hours)
    )
    consultation.refresh_from_db()
    return consultation
