"""Documents of the benchmark data set: the register of every unit, numbered as the register
expects, some with the text of a file for the search.

Party documents are numbered per issuer and type, restarting each term (07-KH/ĐU); State
documents registered from the People's Committees per issuer and calendar year (123/QĐ-UBND),
normative ones with their year (45/2024/QĐ-UBND); the Central Committee's documents
(57-NQ/TW) are registered by many units under the same number, as they are in life. Written with
COPY (PostgreSQL).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from trienkhai.lib.text import fold

from .gen_load import copy_rows, fetch, indexes_set_aside

WORDS = (  # noqa: SIM905 - a sentence reads better than a list of syllables
    "kế hoạch triển khai thực hiện nghị quyết đại hội đại biểu đảng bộ thành phố phường xã "
    "quy chế làm việc ban chấp hành ban thường vụ chương trình công tác toàn khóa báo cáo tổng "
    "kết sơ kết công tác xây dựng đảng chỉnh đốn tuyên truyền học tập quán triệt chuyên đề "
    "phát triển kinh tế xã hội nông thôn mới giảm nghèo bền vững chuyển đổi số cải cách hành chính "
    "phòng chống tham nhũng lãng phí thiên tai dịch bệnh an ninh quốc phòng dân vận mặt trận "
    "đoàn thể thanh niên phụ nữ cựu chiến binh nông dân kiểm tra giám sát kỷ luật đảng viên"
).split()
PARTY_TYPES = ["KH", "NQ", "BC", "CTr", "QĐ", "HD", "TB", "CV", "QC", "KL"]
PARTY_WEIGHTS = [22, 8, 25, 5, 8, 6, 10, 12, 2, 2]
CENTRAL_TYPES = ["NQ", "CT", "KL", "QĐ", "HD"]
STATE_TYPES = ["QĐ", "KH", "BC", "TB", "CV", "CT"]
TERM_STARTS = [dt.date(2015, 10, 1), dt.date(2020, 10, 1), dt.date(2025, 10, 1)]
SAMPLE_FILE = "bench/van-ban-mau.pdf"

COLUMNS = [
    "system", "doc_type", "number", "year", "number_text", "issuer_code", "issuer_name",
    "issuer_unit_id", "owner_unit_id", "is_external", "issued_on", "summary", "status",
    "search_text", "revision", "signer_name", "signer_title", "created_at", "updated_at",
]  # fmt: skip


@dataclass
class Issuer:
    """A unit as the register writes it: id, name, short name (the issuer code), its province."""

    id: int
    name: str
    code: str
    province: str  # the province's party name, for the People's Committee it registers from


@dataclass
class Register:
    """Numbers given so far, per series, so that every number is the next one of its series."""

    today: dt.date
    counters: dict = field(default_factory=dict)
    now: dt.datetime = field(default_factory=timezone.now)
    files: list = field(default_factory=list)  # (document index, text)
    rows: list = field(default_factory=list)

    def next_number(self, key) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def party(self, unit: Issuer, doc_type: str, issued_on, summary: str, status="issued"):
        """A document of the unit's own, numbered (or a draft, without number or date)."""
        if status == "draft":
            number, text, issued_on = None, "", None
        else:
            number = self.next_number((unit.id, doc_type, term_of(issued_on)))
            text = f"{number:02d}-{doc_type}/{unit.code}"
        self._add("party", doc_type, number, None, text, unit.code, unit.name, unit.id, unit.id,
                  False, issued_on, summary, status)  # fmt: skip

    def central(self, owner: Issuer, doc_type: str, number: int, issued_on, summary: str):
        text = f"{number:02d}-{doc_type}/TW"
        self._add("party", doc_type, number, None, text, "TW", "Ban Chấp hành Trung ương",
                  None, owner.id, True, issued_on, summary, "issued")  # fmt: skip

    def state(self, owner: Issuer, doc_type: str, issued_on, summary: str, normative: bool):
        """A document of the province's People's Committee, registered by `owner`."""
        key = (owner.province, doc_type if normative else "", issued_on.year, normative)
        number = self.next_number(key)
        year = issued_on.year if normative else None
        text = (
            f"{number:02d}/{year}/{doc_type}-UBND" if normative else f"{number:02d}/{doc_type}-UBND"
        )
        name = "Ủy ban nhân dân " + owner.province.split(" ", 2)[-1]
        self._add("state", doc_type, number, year, text, "UBND", name, None, owner.id, True,
                  issued_on, summary, "issued")  # fmt: skip

    def attach_text(self, text: str) -> None:
        """The last document gets a file whose text is searched too."""
        self.files.append((len(self.rows) - 1, text))
        row = self.rows[-1]
        row[13] = fold(row[13] + " " + text)

    def _add(self, *values) -> None:
        (system, doc_type, number, year, text, code, issuer, issuer_unit, owner, external,
         issued_on, summary, status) = values  # fmt: skip
        search = fold(" ".join(p for p in (text, summary, issuer) if p))
        self.rows.append([
            system, doc_type, number, year, text, code, issuer, issuer_unit, owner, external,
            issued_on, summary, status, search, 1, "", "", self.now, self.now,
        ])  # fmt: skip

    def write(self) -> tuple[int, int]:
        """COPY the documents, then their files; returns (documents, files)."""
        first = fetch("SELECT COALESCE(MAX(id), 0) FROM documents_document")[0][0]
        with indexes_set_aside("documents_document", "documents_documentfile"):
            copy_rows("documents_document", COLUMNS, self.rows)
            ids = [
                i
                for (i,) in fetch(
                    "SELECT id FROM documents_document WHERE id > %s ORDER BY id", [first]
                )
            ]
            files = self._write_files(ids)
        return len(ids), files

    def _write_files(self, ids: list[int]) -> int:
        if not self.files:
            return 0
        path, size, digest = sample_file()
        rows = (
            (ids[index], path, f"van-ban-{ids[index]}.pdf", "pdf", size, digest, text, self.now)
            for index, text in self.files
        )
        return copy_rows(
            "documents_documentfile",
            ["document_id", "file", "original_name", "kind", "size", "sha256", "text",
             "uploaded_at"],
            rows,
        )  # fmt: skip


def term_of(day: dt.date) -> int:
    """The term a Party number belongs to (its series restart every term)."""
    return max(i for i, start in enumerate(TERM_STARTS) if day >= start or i == 0)


def sample_file() -> tuple[str, int, str]:
    """One small PDF in the file storage that every generated file row points to, so that a
    download answers with a file rather than an error."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    body = _minimal_pdf("Van ban mau cua bo du lieu do hieu nang")
    if not default_storage.exists(SAMPLE_FILE):
        default_storage.save(SAMPLE_FILE, ContentFile(body))
    return SAMPLE_FILE, len(body), hashlib.sha256(body).hexdigest()


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), built object by object with its offsets."""
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sentence(rng, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def fill_register(
    register: Register, units: list[Issuer], count: int, rng, *, years: int = 5
) -> None:
    """`count` documents of the last `years` years spread over `units`: their own Party
    documents (a few drafts), the Central Committee's and the People's Committee's they
    registered; a tenth with file text. Numbered in the order of their dates, as a clerk gives
    them."""
    today = register.today
    span = (today - dt.date(today.year - years, 1, 1)).days
    specs = []
    for i in range(count):
        unit = rng.choice(units)
        day = today - dt.timedelta(days=rng.randrange(span))
        summary = sentence(rng, 8, 20)
        if i % 997 == 0:
            summary = "Kế hoạch triển khai thực hiện Nghị quyết Đại hội " + summary
        kind, roll = rng.random(), rng.random()
        if kind < 0.08:
            spec = ("central", rng.choice(CENTRAL_TYPES), rng.randint(1, 150))
        elif kind < 0.22:
            spec = ("state", rng.choice(STATE_TYPES), roll < 0.1)
        else:
            status = "draft" if roll < 0.04 else "superseded" if roll < 0.07 else "issued"
            spec = ("party", rng.choices(PARTY_TYPES, weights=PARTY_WEIGHTS)[0], status)
        text = " ".join(rng.choice(WORDS) for _ in range(150)) if rng.random() < 0.1 else ""
        specs.append((day, i, unit, summary, spec, text))
    specs.sort(key=lambda s: (s[0], s[1]))
    for day, _i, unit, summary, (kind, doc_type, extra), text in specs:
        if kind == "central":
            register.central(unit, doc_type, extra, day, summary)
        elif kind == "state":
            register.state(unit, doc_type, day, summary, normative=extra)
        else:
            register.party(unit, doc_type, day, summary, extra)
        if text:
            register.attach_text(text)
