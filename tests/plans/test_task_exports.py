"""The task list as CSV beside the XLSX: the same filters, columns and rows (one definition of
the rows for both), streamed; text that looks like a formula is defused."""

import csv
import datetime as dt
import io

from django.http import StreamingHttpResponse
from django.urls import reverse

from tests.plans.test_task_pages import EXPORT, LIST, D, read_export, tasks  # noqa: F401
from tests.plans.test_tasks import make_task

EXPORT_CSV = reverse("plans:task_export_csv")


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nhiem-vu-')
    assert response["Content-Disposition"].endswith('.csv"')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads Vietnamese right
    return list(csv.DictReader(io.StringIO(text[1:])))


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def test_csv_holds_what_the_filtered_list_shows(tasks, propaganda_officer, login):  # noqa: F811
    client = login(propaganda_officer)
    query = {"unit": tasks.ward.pk, "scope": "exact"}

    rows = read_csv(client.get(EXPORT_CSV, query))

    assert [r["Tên nhiệm vụ"] for r in rows] == [
        "Phường An Hội xây dựng quy chế",
        "Phường Phú Khương xây dựng quy chế",
    ]
    first = rows[0]
    assert first["Đơn vị chủ trì"] == "Đảng ủy Phường An Hội"
    assert first["Đơn vị phối hợp"] == "Ban Tuyên giáo Thành ủy"
    assert first["Quá hạn"] == "Quá hạn"
    assert first["Trạng thái"] == "Chưa thực hiện"
    assert first["Hạn cuối"] == (dt.date.today() - dt.timedelta(days=3)).isoformat()
    assert "văn bản loại QC" in first["Sản phẩm"]
    # The same columns and values as the workbook, cell for cell.
    in_xlsx = read_export(client.get(EXPORT, query))
    assert list(rows[0]) == list(in_xlsx[0])
    assert rows == [{k: as_text(v) for k, v in row.items()} for row in in_xlsx]


def test_csv_of_my_units_list_and_of_nothing(tasks, ward_clerk, outsider, login):  # noqa: F811
    mine = read_csv(login(ward_clerk).get(EXPORT_CSV, {"mine": "1"}))
    nothing = read_csv(login(outsider).get(EXPORT_CSV))

    assert [r["Tên nhiệm vụ"] for r in mine] == [
        "Phường An Hội xây dựng quy chế",
        "Phường Phú Khương xây dựng quy chế",
    ]
    assert nothing == []


def test_csv_defuses_formulas_and_writes_deadlines_as_written(tree, propaganda_officer, login):
    make_task(tree, title="=1+2", deadline=D(2020, 12, 1), deadline_precision="month")
    make_task(tree, title="@SUM(A1:A9)", deadline=D(2020, 12, 2))
    make_task(tree, title="-2+3 tổ dân phố", deadline=D(2020, 12, 3))

    rows = read_csv(login(propaganda_officer).get(EXPORT_CSV))

    # By deadline: the month of December ends last.
    assert [r["Tên nhiệm vụ"] for r in rows] == ["'@SUM(A1:A9)", "'-2+3 tổ dân phố", "'=1+2"]
    assert rows[2]["Thời hạn"] == "tháng 12-2020"
    assert rows[2]["Hạn cuối"] == "2020-12-31"
    assert rows[2]["Tiến độ (%)"] == "0"  # a number is written as it is


def test_csv_reads_the_database_in_chunks(tree, propaganda_officer, login, monkeypatch):
    from trienkhai.plans import selectors_tasks

    monkeypatch.setattr(selectors_tasks, "EXPORT_CHUNK", 7)
    for n in range(30):
        make_task(tree, title=f"Nhiệm vụ {n:02d}", coordinating_units=[tree.board])

    rows = read_csv(login(propaganda_officer).get(EXPORT_CSV))

    assert len(rows) == 30
    assert {r["Đơn vị phối hợp"] for r in rows} == {"Ban Tuyên giáo Thành ủy"}


def test_list_offers_both_files_for_its_filters(tasks, propaganda_officer, login):  # noqa: F811
    page = login(propaganda_officer).get(LIST, {"status": "overdue", "page": "1"})
    html = page.content.decode()

    assert page.context["export_csv_url"] == EXPORT_CSV + "?status=overdue"
    assert f'href="{EXPORT_CSV}?status=overdue"' in html
    assert "Tải danh sách (CSV)" in html and "Tải danh sách (Excel)" in html
