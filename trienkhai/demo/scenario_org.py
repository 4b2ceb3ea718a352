"""The founding scenario's organisation: Bến Tre city in September 2020, and what became of it.

Built only through `trienkhai.org.services` (actor=None, dated as in history), so the tree, its
history and its audit log are the same as if clerks had typed them in.

What is true (sources: the article in shared/scenario, the `vietnamadminunits` and
`vietnam-provinces` packages, public resolutions):

* Thành phố Bến Tre was established by Nghị quyết 34/NQ-CP of 11-8-2009 (district code 829).
  From 1-2-2020 (Nghị quyết 855/NQ-UBTVQH14) it had 14 communes and wards: 8 wards (An Hội,
  Phú Khương, Phú Tân, 4, 5, 6, 7, 8) and 6 communes (Bình Phú, Mỹ Thạnh An, Nhơn Thạnh,
  Phú Hưng, Phú Nhuận, Sơn Đông). The list is read from `vietnamadminunits`' pre-July-2025 data,
  which already shows Phường 4 and 5 merged into An Hội (Nghị quyết 1237/NQ-UBTVQH15 of
  26-11-2024); those two are added here and merged on 1-1-2025.
* The City Party Congress XII (term 2020–2025) closed on 22-7-2020; the provincial Congress XI
  met on 14–16-10-2020.
* 51 grassroots Party organisations sat directly under the City Party Committee (the article).
* On 1-7-2025 Bến Tre, Trà Vinh and Vĩnh Long became the new province of Vĩnh Long
  (Nghị quyết 202/2025/QH15 of 12-6-2025); the district level ended (Nghị quyết 203/2025/QH15,
  Luật Tổ chức chính quyền địa phương 72/2025/QH15); the communes of Vĩnh Long were rearranged by
  Nghị quyết 1687/NQ-UBTVQH15. The successor of each old commune comes from
  `vietnamadminunits.convert_address`.

What is generated, and marked so: the names of people and their appointment dates, the 37
grassroots organisations other than the 14 ward/commune Party committees (plausible kinds, names
made up, `notes` says so), three residential Party cells of An Hội, the numbers of Party
decisions that are not public (the legal basis says "số hiệu chưa xác minh").

The 2025 units use the same `source_key`s as `trienkhai load-divisions`, so loading the whole
country afterwards reuses them instead of duplicating the new Vĩnh Long and its wards.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from trienkhai.lib.text import fold
from trienkhai.org import services
from trienkhai.org.divisions import (
    ensure_roots,
    party_province_key,
    party_ward_key,
    province_key,
    province_names,
    ward_code,
    ward_key,
    ward_names,
)
from trienkhai.org.models import AccessRole, Person, PositionRole, Term, Unit, UnitKind

K = "demo:ben-tre:"
LOADED_KEY = K + "party:thanh-uy-ben-tre"  # present once the scenario is loaded
GENERATED = "Tên tạo cho dữ liệu mẫu."
GENERATED_PERSON = "Dữ liệu mẫu: họ tên và ngày bắt đầu được tạo tự động."
PERSON_EMAIL_DOMAIN = "demo.invalid"  # a reserved domain: these addresses reach no one

D = dt.date
CITY_CONGRESS_XII = D(2020, 7, 22)
PROVINCE_CONGRESS_X = D(2015, 10, 14)
PROVINCE_CONGRESS_XI = D(2020, 10, 16)
WARDS_2020 = D(2020, 2, 1)
WARDS_2025_JAN = D(2025, 1, 1)
POLICE_REFORM = D(2025, 3, 1)
REFORM = D(2025, 7, 1)
LAST_DAY = REFORM - dt.timedelta(days=1)
VINH_LONG_CONGRESS_I = D(2025, 10, 3)

NQ_34_CP = "Nghị quyết 34/NQ-CP ngày 11-8-2009 của Chính phủ về thành lập thành phố Bến Tre"
NQ_855 = (
    "Nghị quyết 855/NQ-UBTVQH14 của Ủy ban Thường vụ Quốc hội về sắp xếp các đơn vị hành chính "
    "cấp xã thuộc tỉnh Bến Tre (hiệu lực 1-2-2020)"
)
NQ_1237 = (
    "Nghị quyết 1237/NQ-UBTVQH15 ngày 26-11-2024 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị "
    "hành chính cấp xã của tỉnh Bến Tre giai đoạn 2023–2025"
)
NQ_202 = (
    "Nghị quyết 202/2025/QH15 ngày 12-6-2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"
)
NQ_203 = (
    "Nghị quyết 203/2025/QH15 sửa đổi, bổ sung Hiến pháp; Luật Tổ chức chính quyền địa phương "
    "72/2025/QH15 (không tổ chức cấp huyện từ 1-7-2025)"
)
NQ_1687 = (
    "Nghị quyết 1687/NQ-UBTVQH15 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã "
    "của tỉnh Vĩnh Long năm 2025"
)
QD_POLITBURO_VL = (
    "Quyết định của Bộ Chính trị thành lập Đảng bộ tỉnh Vĩnh Long trên cơ sở hợp nhất Đảng bộ các "
    "tỉnh Bến Tre, Trà Vinh, Vĩnh Long (tháng 6-2025; số hiệu chưa xác minh)"
)
QD_PROVINCE_PARTY = "Quyết định của Ban Thường vụ Tỉnh ủy (dữ liệu mẫu: số hiệu chưa xác minh)"
QD_CITY_PARTY = "Quyết định của Ban Thường vụ Thành ủy Bến Tre (dữ liệu mẫu: số hiệu chưa xác minh)"
QD_POLICE = "Sắp xếp tổ chức Công an, không tổ chức Công an cấp huyện từ 1-3-2025"
QD_PROVINCE_GOV = (
    "Quyết định của Ủy ban nhân dân tỉnh Vĩnh Long (dữ liệu mẫu: số hiệu chưa xác minh)"
)


def slug(text: str) -> str:
    """ "Chi bộ Phòng Tài chính – Kế hoạch" -> "chi-bo-phong-tai-chinh-ke-hoach"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# --- The communes and wards of Bến Tre city ---------------------------------------------------
LEGACY_PROVINCE, LEGACY_CITY = "tinhbentre", "thanhphobentre"
# Merged into Phường An Hội on 1-1-2025, so absent from the package's pre-July-2025 list.
MERGED_INTO_AN_HOI_2025 = ("Phường 4", "Phường 5")


@dataclass(frozen=True)
class Commune2020:
    name: str  # "Phường An Hội", "Xã Sơn Đông"
    code: str  # the administrative code of the time, "" when the package does not give it
    successor_code: int  # the 2025 ward of Vĩnh Long it became part of
    successor_name: str

    @property
    def slug(self) -> str:
        return slug(self.name)


def communes_2020() -> list[Commune2020]:
    """The 14 communes and wards of Bến Tre city in 2020, read from `vietnamadminunits`."""
    from vietnamadminunits import convert_address
    from vietnamadminunits.parser.parser_legacy import DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED

    rows = DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED[LEGACY_PROVINCE][LEGACY_CITY].values()
    found = [(row["ward"], row["wardCode"]) for row in rows]
    found += [(name, "") for name in MERGED_INTO_AN_HOI_2025 if name not in {n for n, _ in found}]
    result = []
    for name, code in found:
        new = convert_address(f"{name}, Thành phố Bến Tre, Tỉnh Bến Tre")
        result.append(Commune2020(name, code, int(new.ward_code), new.ward))
    wards = [c for c in result if c.name.startswith("Phường")]
    if len(result) != 14 or len(wards) != 8:
        raise RuntimeError(
            "Dữ liệu vietnamadminunits không còn khớp với 14 xã, phường của thành phố Bến Tre "
            f"năm 2020 (đọc được {len(result)}): hãy kiểm tra phiên bản gói."
        )

    def order(c: Commune2020):
        number = c.name.rsplit(" ", 1)[-1]
        return (not c.name.startswith("Phường"), number.isdigit(), number.zfill(3), c.name)

    return sorted(result, key=order)


# --- The 37 other grassroots organisations under the City Party Committee (generated) ---------
DISSOLVE, MOVE = "dissolve", "move"
OTHER_ORGANISATIONS: list[tuple[str, str, str, int | None]] = [
    # (name, kind, what happened in 2025, the 2025 ward whose Party committee took it over)
    ("Chi bộ Văn phòng Thành ủy", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Cơ quan Ủy ban Kiểm tra Thành ủy", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Ban Tổ chức Thành ủy", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Ban Tuyên giáo Thành ủy", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Ban Dân vận Thành ủy", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Trung tâm Chính trị thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    (
        "Chi bộ Cơ quan Mặt trận Tổ quốc và các đoàn thể thành phố",
        UnitKind.PARTY_CELL,
        DISSOLVE,
        None,
    ),
    ("Chi bộ Văn phòng HĐND và UBND thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Nội vụ thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Tài chính – Kế hoạch thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Tư pháp thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Quản lý đô thị thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Tài nguyên và Môi trường thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Kinh tế thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    (
        "Chi bộ Phòng Lao động – Thương binh và Xã hội thành phố",
        UnitKind.PARTY_CELL,
        DISSOLVE,
        None,
    ),
    ("Chi bộ Phòng Văn hóa và Thông tin thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Phòng Giáo dục và Đào tạo thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Thanh tra thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Ban Quản lý dự án đầu tư xây dựng thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Đội Quản lý trật tự đô thị thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    (
        "Chi bộ Trung tâm Văn hóa – Thể thao và Truyền thanh thành phố",
        UnitKind.PARTY_CELL,
        DISSOLVE,
        None,
    ),
    ("Chi bộ Chi cục Thuế thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Chi cục Thống kê thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Kho bạc Nhà nước thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Tòa án nhân dân thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Viện Kiểm sát nhân dân thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Chi cục Thi hành án dân sự thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Chi bộ Bảo hiểm xã hội thành phố", UnitKind.PARTY_CELL, DISSOLVE, None),
    ("Đảng bộ Quân sự thành phố", UnitKind.GRASSROOTS_PARTY_COMMITTEE, DISSOLVE, None),
    ("Đảng bộ Công an thành phố", UnitKind.GRASSROOTS_PARTY_COMMITTEE, DISSOLVE, None),
    ("Chi bộ Trung tâm Y tế thành phố", UnitKind.PARTY_CELL, MOVE, 28756),
    ("Chi bộ Trường Trung học cơ sở số 1", UnitKind.PARTY_CELL, MOVE, 28777),
    ("Chi bộ Trường Trung học cơ sở số 2", UnitKind.PARTY_CELL, MOVE, 28756),
    ("Chi bộ Trường Tiểu học số 1", UnitKind.PARTY_CELL, MOVE, 28783),
    ("Chi bộ Ban Quản lý chợ thành phố", UnitKind.PARTY_CELL, MOVE, 28777),
    ("Chi bộ Công ty Công trình đô thị thành phố", UnitKind.PARTY_CELL, MOVE, 28858),
    (
        "Chi bộ Phòng giao dịch Ngân hàng Chính sách xã hội thành phố",
        UnitKind.PARTY_CELL,
        MOVE,
        28789,
    ),
]
POLICE = "Đảng bộ Công an thành phố"
AN_HOI_CELLS = ("Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 3")

CITY_BODIES = [
    # (key, name, short name, kind)
    ("bch", "Ban Chấp hành Đảng bộ thành phố", "BCH", UnitKind.EXECUTIVE_COMMITTEE),
    ("btv", "Ban Thường vụ Thành ủy", "BTV", UnitKind.STANDING_COMMITTEE),
    ("thuong-truc", "Thường trực Thành ủy", "TT", UnitKind.STANDING_BOARD),
    ("van-phong", "Văn phòng Thành ủy", "VP", UnitKind.PARTY_BOARD),
    ("ban-tuyen-giao", "Ban Tuyên giáo Thành ủy", "BTG", UnitKind.PARTY_BOARD),
    ("ban-to-chuc", "Ban Tổ chức Thành ủy", "BTC", UnitKind.PARTY_BOARD),
    ("ban-dan-van", "Ban Dân vận Thành ủy", "BDV", UnitKind.PARTY_BOARD),
    ("ubkt", "Ủy ban Kiểm tra Thành ủy", "UBKT", UnitKind.PARTY_BOARD),
]
PROVINCE_DEPARTMENTS = [
    ("so-noi-vu", "Sở Nội vụ"),
    ("so-tai-chinh", "Sở Tài chính"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("so-khcn", "Sở Khoa học và Công nghệ"),
]

# --- Source keys the accounts and tests refer to ----------------------------------------------
KEY_PARTY_PROVINCE = K + "party:tinh-uy-ben-tre"
KEY_CITY_PARTY = LOADED_KEY
KEY_STATE_PROVINCE = K + "state:tinh-ben-tre"
KEY_STATE_CITY = K + "state:thanh-pho-ben-tre"
KEY_CITY_COMMITTEE = K + "state:ubnd-thanh-pho-ben-tre"


def key_city_body(body: str) -> str:
    return f"{K}party:thanh-uy:{body}"


def key_commune(commune: Commune2020) -> str:
    return f"{K}state:xa-phuong:{commune.slug}"


def key_commune_party(commune: Commune2020) -> str:
    return f"{K}party:dang-uy:{commune.slug}"


KEY_AN_HOI_PARTY = f"{K}party:dang-uy:phuong-an-hoi"
KEY_AN_HOI = f"{K}state:xa-phuong:phuong-an-hoi"
VINH_LONG_CODE = 86  # the code of the old province, given again to the new one in 2025


# --- People: generated names -------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return text.split()


FAMILY = _words("Nguyễn Trần Lê Phạm Huỳnh Võ Phan Trương Đặng Bùi Đỗ Hồ Ngô Dương Lý")
MALE_MIDDLE = _words("Văn Minh Quốc Hữu Thanh Công Hoàng Đức")
MALE_GIVEN = _words(
    "An Bảo Cường Danh Đạt Hải Hiếu Hùng Khoa Lâm Lộc Nhân Phong Quang Sang Tài Thịnh Trí Vinh "
    "Khải Nghĩa"
)
FEMALE_MIDDLE = _words("Thị Ngọc Thu Kim Bích Mỹ")
FEMALE_GIVEN = _words(
    "Anh Châu Diễm Giang Hằng Hương Lan Loan Mai Nga Nhung Oanh Phượng Thảo Trang Uyên Xuân Yến"
)


def generated_names(count: int) -> list[str]:
    """`count` distinct Vietnamese names, the same every time (no randomness)."""
    names: list[str] = []
    i = 0
    while len(names) < count:
        if i % 3 == 1:
            middle, given = FEMALE_MIDDLE, FEMALE_GIVEN
        else:
            middle, given = MALE_MIDDLE, MALE_GIVEN
        name = " ".join(
            [
                FAMILY[(i * 7) % len(FAMILY)],
                middle[(i * 5) % len(middle)],
                given[(i * 11) % len(given)],
            ]
        )
        if name not in names:
            names.append(name)
        i += 1
    return names


@dataclass(frozen=True)
class Post:
    unit: str  # source key
    role: str
    title: str
    start_on: dt.date
    term: bool = False  # the City Committee's term XII


@dataclass(frozen=True)
class DemoPerson:
    key: str
    home: str  # source key of the unit that keeps the person's record
    posts: tuple[Post, ...]

    @property
    def email(self) -> str:
        return f"{self.key}@{PERSON_EMAIL_DOMAIN}"


def _city_people() -> list[DemoPerson]:
    thu, board = KEY_CITY_PARTY, key_city_body
    c = CITY_CONGRESS_XII
    after = D(2020, 8, 1)

    def p(key, home, *posts):
        return DemoPerson(key, home, tuple(posts))

    standing = Post(thu, PositionRole.STANDING_MEMBER, "Ủy viên Ban Thường vụ Thành ủy", c, True)
    executive = Post(
        thu, PositionRole.EXECUTIVE_MEMBER, "Ủy viên Ban Chấp hành Đảng bộ thành phố", c, True
    )
    people = [
        p("bi-thu", thu, Post(thu, PositionRole.SECRETARY, "Bí thư Thành ủy Bến Tre", c, True)),
        p(
            "pho-bi-thu-thuong-truc",
            thu,
            Post(thu, PositionRole.DEPUTY_SECRETARY, "Phó Bí thư Thường trực Thành ủy", c, True),
        ),
        p(
            "pho-bi-thu-chu-tich",
            thu,
            Post(thu, PositionRole.DEPUTY_SECRETARY, "Phó Bí thư Thành ủy", c, True),
            Post(KEY_CITY_COMMITTEE, PositionRole.CHAIR, "Chủ tịch UBND thành phố Bến Tre", after),
        ),
        p(
            "truong-ban-tuyen-giao",
            board("ban-tuyen-giao"),
            standing,
            Post(
                board("ban-tuyen-giao"), PositionRole.HEAD, "Trưởng Ban Tuyên giáo Thành ủy", after
            ),
        ),
        p(
            "truong-ban-to-chuc",
            board("ban-to-chuc"),
            standing,
            Post(board("ban-to-chuc"), PositionRole.HEAD, "Trưởng Ban Tổ chức Thành ủy", after),
        ),
        p(
            "chu-nhiem-ubkt",
            board("ubkt"),
            standing,
            Post(board("ubkt"), PositionRole.HEAD, "Chủ nhiệm Ủy ban Kiểm tra Thành ủy", c),
        ),
        p(
            "truong-ban-dan-van",
            board("ban-dan-van"),
            standing,
            Post(board("ban-dan-van"), PositionRole.HEAD, "Trưởng Ban Dân vận Thành ủy", after),
        ),
        p(
            "pho-chu-tich-ubnd",
            KEY_CITY_COMMITTEE,
            standing,
            Post(
                KEY_CITY_COMMITTEE,
                PositionRole.VICE_CHAIR,
                "Phó Chủ tịch UBND thành phố Bến Tre",
                after,
            ),
        ),
        p(
            "chanh-van-phong",
            board("van-phong"),
            executive,
            Post(board("van-phong"), PositionRole.HEAD, "Chánh Văn phòng Thành ủy", after),
        ),
        p(
            "pho-ban-tuyen-giao",
            board("ban-tuyen-giao"),
            executive,
            Post(
                board("ban-tuyen-giao"),
                PositionRole.DEPUTY_HEAD,
                "Phó Trưởng Ban Tuyên giáo Thành ủy",
                after,
            ),
        ),
        p(
            "chuyen-vien-tuyen-giao",
            board("ban-tuyen-giao"),
            Post(
                board("ban-tuyen-giao"),
                PositionRole.STAFF,
                "Chuyên viên Ban Tuyên giáo Thành ủy",
                D(2019, 3, 1),
            ),
        ),
        p(
            "chuyen-vien-van-phong",
            board("van-phong"),
            Post(
                board("van-phong"),
                PositionRole.STAFF,
                "Chuyên viên Văn phòng Thành ủy",
                D(2018, 9, 1),
            ),
        ),
        p(
            "van-thu-an-hoi",
            KEY_AN_HOI_PARTY,
            Post(
                KEY_AN_HOI_PARTY, PositionRole.STAFF, "Văn thư Đảng ủy Phường An Hội", D(2020, 3, 1)
            ),
        ),
    ]
    for n in range(1, 6):
        people.append(p(f"uy-vien-bch-{n}", thu, executive))
    for commune in communes_2020():
        party = key_commune_party(commune)
        people.append(
            p(
                f"bi-thu-{commune.slug}",
                party,
                Post(
                    party, PositionRole.SECRETARY, f"Bí thư Đảng ủy {commune.name}", D(2020, 6, 15)
                ),
            )
        )
    return people


# --- Demo accounts -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # what the account is, for the banner and the README
    person: str | None = None  # DemoPerson.key
    grants: tuple[tuple[str, str], ...] = ()  # (unit source key, AccessRole)
    superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "demo-admin-2020", "Quản trị hệ thống: toàn quyền", superuser=True),
    DemoAccount(
        "bithu",
        "demo-bithu-2020",
        "Bí thư Thành ủy: quản lý Thành ủy Bến Tre, xem Thành phố Bến Tre",
        person="bi-thu",
        grants=((KEY_CITY_PARTY, AccessRole.MANAGER), (KEY_STATE_CITY, AccessRole.VIEWER)),
    ),
    DemoAccount(
        "tuyengiao",
        "demo-tuyengiao-2020",
        "Chuyên viên Ban Tuyên giáo: biên tập Thành ủy Bến Tre",
        person="chuyen-vien-tuyen-giao",
        grants=((KEY_CITY_PARTY, AccessRole.EDITOR),),
    ),
    DemoAccount(
        "vanthu.anhoi",
        "demo-vanthu-2020",
        "Văn thư Đảng ủy Phường An Hội: biên tập Đảng ủy Phường An Hội",
        person="van-thu-an-hoi",
        grants=((KEY_AN_HOI_PARTY, AccessRole.EDITOR),),
    ),
    DemoAccount(
        "xem",
        "demo-xem-2020",
        "Chuyên viên Văn phòng Thành ủy: chỉ xem Thành ủy Bến Tre",
        person="chuyen-vien-van-phong",
        grants=((KEY_CITY_PARTY, AccessRole.VIEWER),),
    ),
)


def unit_by_key(key: str) -> Unit:
    return Unit.objects.get(source_key=key)


def is_loaded() -> bool:
    return Unit.objects.filter(source_key=LOADED_KEY).exists()


class _Builder:
    def __init__(self):
        self.units: dict[str, Unit] = {}

    def unit(self, key: str, parent: Unit | None, kind: str, name: str, **fields) -> Unit:
        """The unit with `key`, created through `unit_create` unless an import already made it."""
        unit = Unit.objects.filter(source_key=key).first()
        if unit is None:
            unit = services.unit_create(
                actor=None, parent=parent, kind=kind, name=name, source_key=key, **fields
            )
        self.units[key] = unit
        return unit

    def __getitem__(self, key: str) -> Unit:
        return self.units[key]


def _build_2020(b: _Builder, communes: list[Commune2020]) -> None:
    country, party = ensure_roots(actor=None)
    # State: the province, its government and a few departments, the city and its communes.
    province = b.unit(
        KEY_STATE_PROVINCE, country, UnitKind.PROVINCE, "Tỉnh Bến Tre", official_code="83"
    )
    committee = b.unit(
        K + "state:ubnd-tinh-ben-tre",
        province,
        UnitKind.PEOPLES_COMMITTEE,
        "UBND tỉnh Bến Tre",
        short_name="UBND tỉnh",
    )
    for dept, name in PROVINCE_DEPARTMENTS:
        b.unit(
            f"{K}state:{dept}",
            committee,
            UnitKind.DEPARTMENT,
            f"{name} tỉnh Bến Tre",
            short_name=name,
        )
    b.unit(
        K + "state:tinh-tra-vinh", country, UnitKind.PROVINCE, "Tỉnh Trà Vinh", official_code="84"
    )
    b.unit(
        K + "state:tinh-vinh-long-truoc-2025",
        country,
        UnitKind.PROVINCE,
        "Tỉnh Vĩnh Long",
        official_code=str(VINH_LONG_CODE),
        notes="Tỉnh Vĩnh Long trước ngày 1-7-2025; mã 86 được dùng lại cho tỉnh Vĩnh Long mới.",
    )
    city = b.unit(
        KEY_STATE_CITY,
        province,
        UnitKind.DISTRICT,
        "Thành phố Bến Tre",
        short_name="TP. Bến Tre",
        official_code="829",
        established_on=D(2009, 8, 11),
        legal_basis=NQ_34_CP,
    )
    b.unit(
        KEY_CITY_COMMITTEE,
        city,
        UnitKind.PEOPLES_COMMITTEE,
        "UBND thành phố Bến Tre",
        short_name="UBND thành phố",
    )
    for commune in communes:
        extra = {}
        if commune.name == "Phường An Hội":
            extra = {
                "established_on": WARDS_2020,
                "legal_basis": NQ_855,
                "notes": "Thành lập trên cơ sở nhập Phường 1, Phường 2 và Phường 3.",
            }
        b.unit(
            key_commune(commune),
            city,
            UnitKind.COMMUNE,
            commune.name,
            official_code=commune.code,
            **extra,
        )

    # Party: the provincial committee, the city committee, its bodies and grassroots organisations.
    tinh_uy = b.unit(
        KEY_PARTY_PROVINCE,
        party,
        UnitKind.PROVINCIAL_PARTY_COMMITTEE,
        "Tỉnh ủy Bến Tre",
        short_name="TU",
        counterpart=province,
    )
    b.unit(
        K + "party:tinh-uy-tra-vinh",
        party,
        UnitKind.PROVINCIAL_PARTY_COMMITTEE,
        "Tỉnh ủy Trà Vinh",
        short_name="TU",
        counterpart=b[K + "state:tinh-tra-vinh"],
    )
    b.unit(
        K + "party:tinh-uy-vinh-long-truoc-2025",
        party,
        UnitKind.PROVINCIAL_PARTY_COMMITTEE,
        "Tỉnh ủy Vĩnh Long",
        short_name="TU",
        counterpart=b[K + "state:tinh-vinh-long-truoc-2025"],
        notes="Tỉnh ủy Vĩnh Long trước ngày 1-7-2025.",
    )
    thanh_uy = b.unit(
        KEY_CITY_PARTY,
        tinh_uy,
        UnitKind.CITY_PARTY_COMMITTEE,
        "Thành ủy Bến Tre",
        short_name="ThU",
        counterpart=city,
    )
    for body, name, short_name, kind in CITY_BODIES:
        b.unit(key_city_body(body), thanh_uy, kind, name, short_name=short_name)
    for commune in communes:
        ward_party = b.unit(
            key_commune_party(commune),
            thanh_uy,
            UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            f"Đảng ủy {commune.name}",
            counterpart=b[key_commune(commune)],
            established_on=WARDS_2020 if commune.name == "Phường An Hội" else None,
            legal_basis=QD_CITY_PARTY if commune.name == "Phường An Hội" else "",
        )
        if commune.name == "Phường An Hội":
            for cell in AN_HOI_CELLS:
                b.unit(
                    f"{K}party:an-hoi:{slug(cell)}",
                    ward_party,
                    UnitKind.PARTY_CELL,
                    cell,
                    notes=GENERATED,
                )
    for name, kind, _fate, _ward in OTHER_ORGANISATIONS:
        b.unit(f"{K}party:co-so:{slug(name)}", thanh_uy, kind, name, notes=GENERATED)

    # Terms of office.
    services.term_save(
        actor=None,
        unit=tinh_uy,
        name="Khóa X",
        number=10,
        start_on=PROVINCE_CONGRESS_X,
        end_on=PROVINCE_CONGRESS_XI - dt.timedelta(days=1),
    )
    services.term_save(
        actor=None,
        unit=tinh_uy,
        name="Khóa XI",
        number=11,
        start_on=PROVINCE_CONGRESS_XI,
        end_on=LAST_DAY,
    )
    services.term_save(
        actor=None,
        unit=thanh_uy,
        name="Khóa XII",
        number=12,
        start_on=CITY_CONGRESS_XII,
        end_on=LAST_DAY,
    )


def _build_people(b: _Builder) -> None:
    people = _city_people()
    names = generated_names(len(people))
    term = Term.objects.get(unit=b[KEY_CITY_PARTY], name="Khóa XII")
    for person_spec, full_name in zip(people, names, strict=True):
        person = services.person_save(
            actor=None, full_name=full_name, email=person_spec.email, home_unit=b[person_spec.home]
        )
        for post in person_spec.posts:
            services.position_save(
                actor=None,
                person=person,
                unit=b[post.unit],
                role=post.role,
                title=post.title,
                term=term if post.term else None,
                start_on=post.start_on,
                note=GENERATED_PERSON,
            )


def _reform_2025(b: _Builder, communes: list[Commune2020]) -> None:
    import vietnam_provinces as vp

    country, party = ensure_roots(actor=None)
    an_hoi = next(c for c in communes if c.name == "Phường An Hội")
    merged_jan = [c for c in communes if c.name in MERGED_INTO_AN_HOI_2025]

    # 1-1-2025: Phường 4 and Phường 5 join Phường An Hội, on both sides.
    services.unit_merge(
        actor=None,
        sources=[b[key_commune(c)] for c in merged_jan],
        into=b[key_commune(an_hoi)],
        effective_on=WARDS_2025_JAN,
        legal_basis=NQ_1237,
    )
    services.unit_merge(
        actor=None,
        sources=[b[key_commune_party(c)] for c in merged_jan],
        into=b[key_commune_party(an_hoi)],
        effective_on=WARDS_2025_JAN,
        legal_basis=QD_CITY_PARTY,
    )
    # 1-3-2025: no more police at district level.
    services.unit_dissolve(
        actor=None,
        unit=b[f"{K}party:co-so:{slug(POLICE)}"],
        effective_on=POLICE_REFORM,
        legal_basis=QD_POLICE,
    )

    # 1-7-2025, State side: the new province of Vĩnh Long and its new wards.
    province_name, province_party_name = province_names(vp.Province.from_code(VINH_LONG_CODE))
    vinh_long = b.unit(
        province_key(VINH_LONG_CODE),
        country,
        UnitKind.PROVINCE,
        province_name,
        official_code=str(VINH_LONG_CODE),
        established_on=REFORM,
        legal_basis=NQ_202,
    )
    committee = b.unit(
        K + "state:ubnd-tinh-vinh-long",
        vinh_long,
        UnitKind.PEOPLES_COMMITTEE,
        "UBND tỉnh Vĩnh Long",
        short_name="UBND tỉnh",
        established_on=REFORM,
        legal_basis=NQ_202,
    )
    for dept, name in PROVINCE_DEPARTMENTS:
        new = b.unit(
            f"{K}state:vinh-long:{dept}",
            committee,
            UnitKind.DEPARTMENT,
            f"{name} tỉnh Vĩnh Long",
            short_name=name,
            established_on=REFORM,
            legal_basis=QD_PROVINCE_GOV,
        )
        services.unit_merge(
            actor=None,
            sources=[b[f"{K}state:{dept}"]],
            into=new,
            effective_on=REFORM,
            legal_basis=QD_PROVINCE_GOV,
        )
    services.unit_merge(
        actor=None,
        sources=[b[K + "state:ubnd-tinh-ben-tre"]],
        into=committee,
        effective_on=REFORM,
        legal_basis=NQ_202,
    )

    successors = sorted({c.successor_code for c in communes})
    for code in successors:
        state_name, party_name = ward_names(vp.Ward.from_code(code))
        b.unit(
            ward_key(code),
            vinh_long,
            UnitKind.COMMUNE,
            state_name,
            official_code=ward_code(code),
            established_on=REFORM,
            legal_basis=NQ_1687,
            notes="Phường mới còn gồm một phần các xã của huyện lân cận, không có trong dữ liệu mẫu.",
        )
    still_active = [c for c in communes if c.name not in MERGED_INTO_AN_HOI_2025]
    for code in successors:
        sources = [b[key_commune(c)] for c in still_active if c.successor_code == code]
        services.unit_merge(
            actor=None,
            sources=sources,
            into=b[ward_key(code)],
            effective_on=REFORM,
            legal_basis=NQ_1687,
        )
    services.unit_dissolve(
        actor=None, unit=b[KEY_CITY_COMMITTEE], effective_on=REFORM, legal_basis=NQ_203
    )
    # The city's territory went to the new wards: they carry on its work.
    services.unit_dissolve(
        actor=None,
        unit=b[KEY_STATE_CITY],
        effective_on=REFORM,
        legal_basis=NQ_203,
        successors=[b[ward_key(code)] for code in successors],
    )
    services.unit_merge(
        actor=None,
        sources=[
            b[KEY_STATE_PROVINCE],
            b[K + "state:tinh-tra-vinh"],
            b[K + "state:tinh-vinh-long-truoc-2025"],
        ],
        into=vinh_long,
        effective_on=REFORM,
        legal_basis=NQ_202,
    )

    # 1-7-2025, Party side: the new Tỉnh ủy Vĩnh Long and the Party committees of the new wards.
    tinh_uy = b.unit(
        party_province_key(VINH_LONG_CODE),
        party,
        UnitKind.PROVINCIAL_PARTY_COMMITTEE,
        province_party_name,
        short_name="TU",
        counterpart=vinh_long,
        established_on=REFORM,
        legal_basis=QD_POLITBURO_VL,
    )
    for code in successors:
        _state_name, party_name = ward_names(vp.Ward.from_code(code))
        b.unit(
            party_ward_key(code),
            tinh_uy,
            UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            party_name,
            counterpart=b[ward_key(code)],
            established_on=REFORM,
            legal_basis=QD_PROVINCE_PARTY,
        )
    for code in successors:
        sources = [b[key_commune_party(c)] for c in still_active if c.successor_code == code]
        services.unit_merge(
            actor=None,
            sources=sources,
            into=b[party_ward_key(code)],
            effective_on=REFORM,
            legal_basis=QD_PROVINCE_PARTY,
        )
    for name, _kind, fate, ward in OTHER_ORGANISATIONS:
        if name == POLICE:
            continue
        unit = b[f"{K}party:co-so:{slug(name)}"]
        if fate == MOVE:
            services.unit_move(
                actor=None,
                unit=unit,
                new_parent=b[party_ward_key(ward)],
                effective_on=REFORM,
                legal_basis=QD_PROVINCE_PARTY,
            )
        else:
            services.unit_dissolve(
                actor=None, unit=unit, effective_on=REFORM, legal_basis=QD_PROVINCE_PARTY
            )
    for body, *_ in CITY_BODIES:
        services.unit_dissolve(
            actor=None,
            unit=b[key_city_body(body)],
            effective_on=REFORM,
            legal_basis=QD_PROVINCE_PARTY,
        )
    services.unit_dissolve(
        actor=None,
        unit=b[KEY_CITY_PARTY],
        effective_on=REFORM,
        legal_basis=QD_PROVINCE_PARTY,
        successors=[b[party_ward_key(code)] for code in successors],
    )
    services.unit_merge(
        actor=None,
        sources=[
            b[KEY_PARTY_PROVINCE],
            b[K + "party:tinh-uy-tra-vinh"],
            b[K + "party:tinh-uy-vinh-long-truoc-2025"],
        ],
        into=tinh_uy,
        effective_on=REFORM,
        legal_basis=QD_POLITBURO_VL,
    )
    services.term_save(
        actor=None, unit=tinh_uy, name="Khóa I", number=1, start_on=VINH_LONG_CONGRESS_I
    )


@transaction.atomic
def load_org_scenario() -> bool:
    """Load the organisation of the Bến Tre scenario; False when it was already there."""
    if is_loaded():
        return False
    communes = communes_2020()
    b = _Builder()
    _build_2020(b, communes)
    _build_people(b)
    _reform_2025(b, communes)
    return True


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that are missing (an existing account, and its password, stay
    as they are). Returns the accounts created."""
    User = get_user_model()
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        if account.superuser:
            user = User.objects.create_superuser(
                username=account.username, email="", password=account.password
            )
        else:
            user = User.objects.create_user(username=account.username, password=account.password)
        if account.person:
            person = Person.objects.filter(email=f"{account.person}@{PERSON_EMAIL_DOMAIN}").first()
            if person is not None and person.user_id is None:
                services.person_save(actor=None, person=person, user=user)
        for key, role in account.grants:
            services.access_grant(actor=None, user=user, unit=unit_by_key(key), role=role)
        created.append(account)
    return created
