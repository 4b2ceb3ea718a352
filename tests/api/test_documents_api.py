"""The document endpoints as a script uses them: the register with its filters, one document
with its number, relations and files, registering with a retry, relations refused as field
errors, downloads, and the consultation rounds with the comments one may see."""

import datetime as dt

import pytest

from tests.api.clients import client_for
from tests.documents import builders
from tests.documents.builders import draft, pdf_bytes, register, upload
from tests.documents.consultation_world import open_round, world  # noqa: F401 - fixture
from trienkhai.documents import consultation as consult
from trienkhai.documents import files
from trienkhai.documents.models import Document, DocumentRelation

D = dt.date


@pytest.fixture
def register_world(tree):
    """The city's Congress resolution, the ward's plan implementing it (with a PDF), a
    Central Committee regulation registered by the city, and the sibling ward's plan."""
    tree.resolution = register(tree.city, "01-NQ/ThU", D(2020, 8, 20), "Nghị quyết Đại hội")
    tree.plan = register(tree.ward, "07-KH/ĐU", D(2020, 9, 21), "Kế hoạch quán triệt Nghị quyết")
    tree.plan_file = files.file_attach(
        actor=None,
        document=tree.plan,
        uploaded=upload("ke-hoach.pdf", pdf_bytes("Ke hoach quan triet"), "application/pdf"),
    )
    tree.regulation = register(
        tree.city,
        "45/2020/NĐ-CP",
        D(2020, 4, 8),
        "Nghị định về thực hiện thủ tục hành chính trên môi trường điện tử",
        issuer_name="Chính phủ",
    )
    tree.other = register(tree.sibling, "03-KH/ĐU", D(2020, 9, 25), "Kế hoạch của phường khác")
    from trienkhai.documents import services

    services.relation_add(actor=None, source=tree.plan, target=tree.resolution, kind="implements")
    services.relation_add(actor=None, source=tree.other, target=tree.resolution, kind="implements")
    return tree


def ids(answer):
    assert answer.status_code == 200, answer.json()
    return {d["id"] for d in answer.json()["results"]}


# --- the register ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_register_with_the_pages_filters(register_world, city_secretary):
    w, api = register_world, client_for(city_secretary)
    everything = {w.resolution.pk, w.plan.pk, w.regulation.pk, w.other.pk}
    assert ids(api.get("/api/documents/")) == everything
    assert ids(api.get("/api/documents/", {"q": "quan triet"})) == {w.plan.pk}
    assert ids(api.get("/api/documents/", {"q": "7-kh/đu"})) == {w.plan.pk}
    assert ids(api.get("/api/documents/", {"doc_type": "NĐ"})) == {w.regulation.pk}
    assert ids(api.get("/api/documents/", {"system": "state"})) == {w.regulation.pk}
    assert ids(api.get("/api/documents/", {"issuer": w.ward.pk})) == {w.plan.pk}
    assert ids(api.get("/api/documents/", {"issuer": w.city.pk})) == everything - {w.regulation.pk}
    assert ids(api.get("/api/documents/", {"owner": w.city.pk})) == {
        w.resolution.pk,
        w.regulation.pk,
    }
    assert ids(api.get("/api/documents/", {"issued_from": "2020-09-01"})) == {
        w.plan.pk,
        w.other.pk,
    }
    assert ids(
        api.get("/api/documents/", {"issued_from": "2020-08-01", "issued_to": "2020-09-21"})
    ) == {w.resolution.pk, w.plan.pk}
    assert ids(api.get("/api/documents/", {"year": 2020, "status": "in_force"})) == everything
    assert ids(api.get("/api/documents/", {"status": "drafts"})) == set()


@pytest.mark.django_db
def test_the_ward_sees_its_own_what_is_above_and_external_documents(register_world, ward_clerk):
    w = register_world
    seen = ids(client_for(ward_clerk).get("/api/documents/"))
    assert seen == {w.resolution.pk, w.plan.pk, w.regulation.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"doc_type": "XYZ"}, "doc_type"),
        ({"system": "church"}, "system"),
        ({"issued_from": "21-09-2020"}, "issued_from"),
        ({"issuer": "abc"}, "issuer"),
        ({"year": "1800"}, "year"),
    ],
)
def test_a_wrong_filter_names_its_field(register_world, city_secretary, params, field):
    answer = client_for(city_secretary).get("/api/documents/", params)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == field


@pytest.mark.django_db
def test_filtering_by_a_unit_one_may_not_pick_is_a_field_error(register_world, ward_clerk):
    answer = client_for(ward_clerk).get("/api/documents/", {"owner": register_world.sibling.pk})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "owner"


@pytest.mark.django_db
def test_the_register_pages_without_repeating(tree, city_secretary):
    for n in range(1, 6):
        register(tree.city, f"{n:02d}-TB/ThU", D(2020, 9, n), f"Thông báo số {n}")
    api = client_for(city_secretary)
    page = api.get("/api/documents/", {"page_size": 2}).json()
    seen = [d["id"] for d in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [d["id"] for d in page["results"]]
    assert len(seen) == len(set(seen)) == 5


# --- one document ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_document_with_its_number_relations_and_files(register_world, ward_clerk):
    w, api = register_world, client_for(ward_clerk)
    plan = api.get(f"/api/documents/{w.plan.pk}/").json()
    assert plan["number"] == {
        "text": "07-KH/ĐU",
        "system": "party",
        "type": "KH",
        "type_name": "Kế hoạch",
        "issuer": "ĐU",
        "number": 7,
        "year": None,
    }
    assert plan["issuer_unit"] == {"id": w.ward.pk, "name": "Đảng ủy Phường An Hội"}
    assert plan["issued_on"] == "2020-09-21"
    [out] = plan["relations_out"]
    assert out["kind"] == "implements" and out["label"] == "triển khai thực hiện"
    assert out["document"]["id"] == w.resolution.pk
    assert plan["relations_in"] == []
    [pdf] = plan["files"]
    assert pdf["id"] == w.plan_file.pk and pdf["name"] == "ke-hoach.pdf"
    assert pdf["size"] == w.plan_file.size and pdf["version"] is None
    assert pdf["download"] == f"/api/documents/{w.plan.pk}/files/{w.plan_file.pk}/"

    # From the resolution: implemented by the ward's plan; the sibling ward's plan is not shown.
    resolution = api.get(f"/api/documents/{w.resolution.pk}/").json()
    assert [(r["kind"], r["label"], r["document"]["id"]) for r in resolution["relations_in"]] == [
        ("implements", "được triển khai bởi", w.plan.pk)
    ]
    assert resolution["implementation"] == {"count": 1, "units": 1, "truncated": False}


@pytest.mark.django_db
def test_a_state_number_with_its_year(register_world, city_secretary):
    got = client_for(city_secretary).get(f"/api/documents/{register_world.regulation.pk}/").json()
    assert got["number"]["system"] == "state"
    assert (got["number"]["type"], got["number"]["issuer"]) == ("NĐ", "CP")
    assert (got["number"]["number"], got["number"]["year"]) == (45, 2020)
    assert got["is_external"] is True and got["issuer_unit"] is None
    assert got["issuer_name"] == "Chính phủ"


@pytest.mark.django_db
def test_downloading_a_file(register_world, ward_clerk, sibling_clerk):
    w = register_world
    url = f"/api/documents/{w.plan.pk}/files/{w.plan_file.pk}/"
    answer = client_for(ward_clerk).get(url, HTTP_ACCEPT="application/pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF-")
    assert 'filename="ke-hoach.pdf"' in answer["Content-Disposition"]
    # Another document's file under this one's address is not found.
    wrong = client_for(ward_clerk).get(f"/api/documents/{w.resolution.pk}/files/{w.plan_file.pk}/")
    assert wrong.status_code == 404
    assert client_for(sibling_clerk).get(url).status_code == 404
    w.plan_file.file.delete(save=False)
    gone = client_for(ward_clerk).get(url)
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == "Tệp không còn trên máy chủ."


@pytest.fixture
def sibling_clerk(tree):
    from tests.conftest import make_user
    from trienkhai.org.models import AccessRole

    return make_user("vanthu_phukhuong", unit=tree.sibling, role=AccessRole.EDITOR)


# --- registering -------------------------------------------------------------------------------
def incoming(**extra):
    body = {
        "number_text": "127-QĐ/TW",
        "issuer_name": "Ban Chấp hành Trung ương",
        "issued_on": "2018-03-01",
        "summary": "Quy định về công tác văn thư",
    }
    body.update(extra)
    return body


@pytest.mark.django_db
def test_registering_an_external_document_once(tree, ward_clerk):
    api = client_for(ward_clerk)
    first = api.post("/api/documents/", incoming(), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201, first.json()
    data = first.json()
    # The clerk keeps one register: the ward's, without naming it.
    assert data["owner_unit"]["id"] == tree.ward.pk and data["is_external"] is True
    assert data["number"]["text"] == "127-QĐ/TW" and data["number"]["type"] == "QĐ"
    assert first["Location"] == f"/api/documents/{data['id']}/"
    again = api.post("/api/documents/", incoming(), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert Document.objects.count() == 1
    assert api.get(first["Location"]).json()["summary"] == "Quy định về công tác văn thư"


@pytest.mark.django_db
def test_registering_a_document_of_ones_own_unit(tree, city_secretary):
    body = incoming(number_text="08-KH/ThU", issuer_name="", issuer_unit=tree.ward.pk)
    answer = client_for(city_secretary).post("/api/documents/", body, format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["issuer_unit"]["id"] == data["owner_unit"]["id"] == tree.ward.pk
    assert data["issuer_name"] == "Đảng ủy Phường An Hội"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "start"),
    [
        ({"number_text": "số bảy"}, "number_text", ""),
        ({"issued_on": "2999-01-01"}, "issued_on", "Ngày ban hành"),
        ({"issuer_name": ""}, "issuer_unit", "Hãy chọn đơn vị ban hành"),
        ({"summary": ""}, "summary", ""),
        ({"doc_type": "NQ"}, "doc_type", "Loại văn bản NQ không khớp"),
        ({"status": "draft"}, "status", ""),
        ({"signer": 999999}, "signer", "Không tìm thấy cán bộ"),
    ],
)
def test_registration_errors_are_field_errors(tree, ward_clerk, changes, field, start):
    answer = client_for(ward_clerk).post("/api/documents/", incoming(**changes), format="json")
    assert answer.status_code == 400, answer.json()
    error = answer.json()["error"]
    assert error["field"] == field
    assert error["message"].startswith(start)
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_number_already_registered_is_refused_in_plain_text(tree, ward_clerk):
    api = client_for(ward_clerk)
    assert api.post("/api/documents/", incoming(), format="json").status_code == 201
    twice = api.post("/api/documents/", incoming(), format="json")
    assert twice.status_code == 400
    error = twice.json()["error"]
    assert error["field"] == "number_text"
    assert error["message"].startswith("Số này đã được dùng trong cùng sổ: 127-QĐ/TW")
    assert "<a" not in error["message"]


@pytest.mark.django_db
def test_an_external_document_needs_a_register_when_one_keeps_several(tree, admin_user):
    api = client_for(admin_user)
    answer = api.post("/api/documents/", incoming(), format="json")
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "owner_unit"
    named = api.post("/api/documents/", incoming(owner_unit=tree.board.pk), format="json")
    assert named.status_code == 201 and named.json()["owner_unit"]["id"] == tree.board.pk


@pytest.mark.django_db
def test_a_read_only_key_may_not_register(tree, ward_clerk):
    answer = client_for(ward_clerk, read_only=True).post(
        "/api/documents/", incoming(), format="json"
    )
    assert answer.status_code == 403
    assert Document.objects.count() == 0


# --- relations ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_recording_a_relation(register_world, city_secretary):
    w, api = register_world, client_for(city_secretary)
    answer = api.post(
        f"/api/documents/{w.regulation.pk}/relations/",
        {"kind": "based_on", "target": w.resolution.pk, "note": "căn cứ"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="rel-1",
    )
    assert answer.status_code == 201, answer.json()
    assert answer["Location"] == f"/api/documents/{w.regulation.pk}/"
    [rel] = answer.json()["relations_out"]
    assert (rel["kind"], rel["note"], rel["document"]["id"]) == (
        "based_on",
        "căn cứ",
        w.resolution.pk,
    )
    retry = api.post(
        f"/api/documents/{w.regulation.pk}/relations/",
        {"kind": "based_on", "target": w.resolution.pk, "note": "căn cứ"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="rel-1",
    )
    assert retry.status_code == 201
    assert DocumentRelation.objects.filter(source=w.regulation).count() == 1
    seen_from_target = api.get(f"/api/documents/{w.resolution.pk}/").json()["relations_in"]
    assert ("based_on", "là căn cứ của", w.regulation.pk) in [
        (r["kind"], r["label"], r["document"]["id"]) for r in seen_from_target
    ]


@pytest.mark.django_db
def test_replacing_marks_the_replaced_document(register_world, city_secretary):
    w = register_world
    new = register(w.city, "02-NQ/ThU", D(2020, 10, 1), "Nghị quyết thay thế")
    answer = client_for(city_secretary).post(
        f"/api/documents/{new.pk}/relations/",
        {"kind": "replaces", "target": w.resolution.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    w.resolution.refresh_from_db()
    assert w.resolution.status == "superseded"


@pytest.mark.django_db
def test_refused_relations_are_errors_on_target(register_world, city_secretary, ward_clerk):
    w, api = register_world, client_for(city_secretary)

    def relate(source, target, kind, client=api):
        return client.post(
            f"/api/documents/{source.pk}/relations/",
            {"kind": kind, "target": target.pk},
            format="json",
        )

    # A loop: the resolution cannot implement the plan that implements it.
    loop = relate(w.resolution, w.plan, "implements")
    assert loop.status_code == 400
    assert loop.json()["error"]["field"] == "target"
    assert "vòng lặp" in loop.json()["error"]["message"]
    assert relate(w.plan, w.resolution, "implements").json()["error"]["field"] == "target"
    assert relate(w.plan, w.plan, "guides").json()["error"]["field"] == "target"
    # The ward may not see the sibling's plan, nor mark the city's resolution replaced.
    clerk = client_for(ward_clerk)
    hidden = relate(w.plan, w.other, "based_on", clerk)
    assert hidden.status_code == 400 and hidden.json()["error"]["field"] == "target"
    upward = relate(w.plan, w.resolution, "replaces", clerk)
    assert upward.status_code == 400 and upward.json()["error"]["field"] == "target"
    w.resolution.refresh_from_db()
    assert w.resolution.status == "issued"
    bad_kind = relate(w.plan, w.regulation, "cites")
    assert bad_kind.status_code == 400 and bad_kind.json()["error"]["field"] == "kind"


# --- consultations -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_rounds_and_the_comments_each_one_sees(world, propaganda_officer, viewer):  # noqa: F811
    document = draft(world.city, "Dự thảo Quy chế làm việc")
    files.file_attach(
        actor=None,
        document=document,
        uploaded=builders.upload("qc.docx", builders.docx_bytes("Điều 1"), builders.DOCX_TYPE),
        version=document.versions.get(),
    )
    round_ = open_round(document, persons=[world.an, world.binh])
    for person, text in ((world.an, "Sửa Điều 1"), (world.binh, "Bổ sung Điều 2")):
        consult.comment_submit(actor=person.user, consultation=round_, text=text, section="")

    rounds = client_for(viewer).get(f"/api/documents/{document.pk}/consultations/").json()
    [shown] = rounds["results"]
    assert (shown["round_number"], shown["version"], shown["is_open"]) == (1, 1, True)
    assert (shown["recipients"], shown["answered"], shown["comments"]) == (2, 2, 2)
    assert (shown["asked"], shown["comments_shown"]) == (False, "none")

    url = f"/api/consultations/{round_.pk}/comments/"
    everything = client_for(propaganda_officer).get(url).json()["results"]
    assert [(c["person"], c["text"]) for c in everything] == [
        ("Nguyễn Văn An", "Sửa Điều 1"),
        ("Trần Thị Bình", "Bổ sung Điều 2"),
    ]
    assert everything[0]["resolution"] == "pending" and everything[0]["answered_in"] is None
    an = client_for(world.an.user)
    mine = an.get(url).json()["results"]
    assert [c["text"] for c in mine] == ["Sửa Điều 1"]
    as_asked = an.get(f"/api/documents/{document.pk}/consultations/").json()["results"][0]
    assert (as_asked["asked"], as_asked["comments_shown"]) == (True, "own")
    refused = client_for(viewer).get(url)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert client_for(world.dung.user).get(url).status_code == 404


# --- writing: drafts, records, signing ---------------------------------------------------------------
@pytest.fixture(scope="module")
def rules_docx():
    """One Word file's bytes: a document records when it was saved, and a retry must send
    the very same bytes."""
    return builders.docx_bytes("Điều 1")


def draft_body(unit, data=None, **extra):
    body = {
        "system": "party",
        "doc_type": "QC",
        "issuer_unit": unit.pk,
        "summary": "Dự thảo Quy chế làm việc",
        "note": "Bản đầu",
        "file": upload("quy-che.docx", data or builders.docx_bytes("Điều 1"), builders.DOCX_TYPE),
    }
    body.update(extra)
    return body


@pytest.mark.django_db
def test_starting_a_draft_with_its_file_once(tree, propaganda_officer, rules_docx):
    api = client_for(propaganda_officer)
    first = api.post(
        "/api/documents/drafts/",
        draft_body(tree.city, rules_docx),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="d1",
    )
    assert first.status_code == 201, first.json()
    data = first.json()
    assert (data["status"], data["number"]["text"], data["owner_unit"]["id"]) == (
        "draft",
        None,
        tree.city.pk,
    )
    [docx] = data["files"]
    assert (docx["name"], docx["version"]) == ("quy-che.docx", 1)
    assert first["Location"] == f"/api/documents/{data['id']}/"
    again = api.post(
        "/api/documents/drafts/",
        draft_body(tree.city, rules_docx),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="d1",
    )
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    # The same key with another file under the same name is another request.
    other = draft_body(
        tree.city,
        file=upload("quy-che.docx", builders.docx_bytes("Điều 2"), builders.DOCX_TYPE),
    )
    reused = api.post(
        "/api/documents/drafts/", other, format="multipart", HTTP_IDEMPOTENCY_KEY="d1"
    )
    assert reused.status_code == 422
    assert Document.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "start"),
    [
        ({"file": upload("ghi-chu.txt", "Nội dung".encode())}, "file", "Tệp “ghi-chu.txt” là"),
        ({"file": upload("anh.pdf", b"\x89PNG\r\n\x1a\n0000")}, "file", "Tệp “anh.pdf” là ảnh PNG"),
        ({"doc_type": "NĐ"}, "doc_type", "Loại “NĐ” không dùng"),
        ({"summary": ""}, "summary", ""),
    ],
)
def test_draft_errors_are_the_pages_field_errors(tree, propaganda_officer, changes, field, start):
    answer = client_for(propaganda_officer).post(
        "/api/documents/drafts/", draft_body(tree.city, **changes), format="multipart"
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["error"]["field"] == field
    assert answer.json()["error"]["message"].startswith(start)
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_only_in_ones_own_registers_and_only_multipart(tree, ward_clerk, viewer):
    api = client_for(ward_clerk)
    elsewhere = api.post("/api/documents/drafts/", draft_body(tree.sibling), format="multipart")
    assert elsewhere.status_code == 400
    assert elsewhere.json()["error"]["field"] == "issuer_unit"
    as_json = api.post("/api/documents/drafts/", {"summary": "x"}, format="json")
    assert as_json.status_code == 415
    refused = client_for(viewer).post(
        "/api/documents/drafts/", draft_body(tree.city), format="multipart"
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_correcting_a_record_needs_its_version(register_world, ward_clerk):
    w, api = register_world, client_for(ward_clerk)
    url = f"/api/documents/{w.plan.pk}/"
    etag = api.get(url)["ETag"]
    assert etag == f'"{w.plan.pk}-{w.plan.revision}"'
    assert api.patch(url, {"summary": "Sửa"}, format="json").status_code == 428
    changed = api.patch(
        url,
        {"summary": "Kế hoạch đã sửa", "signer_name": "Lê Văn Tám"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["summary"] == "Kế hoạch đã sửa"
    assert changed.json()["signer_name"] == "Lê Văn Tám"
    assert changed["ETag"] != etag
    late = api.patch(url, {"summary": "Ghi đè"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 412
    by_field = api.patch(
        url, {"summary": "Theo revision", "revision": changed.json()["revision"]}, format="json"
    )
    assert by_field.status_code == 200
    future = api.patch(url, {"issued_on": "2999-01-01"}, format="json", HTTP_IF_MATCH="*")
    assert future.status_code == 400 and future.json()["error"]["field"] == "issued_on"
    # Our own unit's name stays as it was on the issue date.
    renamed = api.patch(url, {"issuer_name": "Khác"}, format="json", HTTP_IF_MATCH="*")
    assert renamed.status_code == 400 and renamed.json()["error"]["field"] == "issuer_name"


@pytest.mark.django_db
def test_a_draft_has_no_issue_date_to_correct(tree, ward_clerk):
    document = draft(tree.ward)
    answer = client_for(ward_clerk).patch(
        f"/api/documents/{document.pk}/",
        {"issued_on": "2020-01-01"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "issued_on"


@pytest.mark.django_db
def test_signing_a_draft_gives_it_the_next_number(tree, city_secretary, propaganda_officer):
    register(tree.city, "01-QC/ThU", dt.date.today(), "Quy chế cũ")
    document = draft(tree.city)
    url = f"/api/documents/{document.pk}/issue/"
    body = {"issued_on": dt.date.today().isoformat()}
    assert client_for(propaganda_officer).post(url, body, format="json").status_code == 403
    api = client_for(city_secretary)
    assert api.post(url, body, format="json", HTTP_IF_MATCH='"1-99"').status_code == 412
    issued = api.post(url, body, format="json")
    assert issued.status_code == 200, issued.json()
    data = issued.json()
    assert (data["status"], data["number"]["text"], data["issued_on"]) == (
        "issued",
        "02-QC/ThU",
        body["issued_on"],
    )
    again = api.post(url, body, format="json")
    assert again.status_code == 409


@pytest.mark.django_db
def test_signing_refuses_a_taken_number_and_an_open_round(world, city_secretary):  # noqa: F811
    register(world.city, "05-QC/ThU", dt.date.today(), "Quy chế cũ")
    document = draft(world.city)
    api = client_for(city_secretary)
    url = f"/api/documents/{document.pk}/issue/"
    taken = api.post(url, {"issued_on": dt.date.today().isoformat(), "number": 5}, format="json")
    assert taken.status_code == 400 and taken.json()["error"]["field"] == "number"
    assert "<a" not in taken.json()["error"]["message"]
    open_round(document, persons=[world.an])
    running = api.post(url, {"issued_on": dt.date.today().isoformat()}, format="json")
    assert running.status_code == 400
    assert "đang mở" in running.json()["error"]["message"]
    stranger = api.post(
        url, {"issued_on": dt.date.today().isoformat(), "signer": 999999}, format="json"
    )
    assert stranger.status_code == 400 and stranger.json()["error"]["field"] == "signer"


# --- writing: files ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_attaching_files_with_the_pages_checks(register_world, ward_clerk):
    w, api = register_world, client_for(ward_clerk)
    url = f"/api/documents/{w.plan.pk}/files/"
    # A workbook records when it was saved: the retry must send the very same bytes.
    table = builders.xlsx_bytes([["Đơn vị", "Kết quả"]])

    def body():
        return {
            "files": [upload("phu-luc.xlsx", table), upload("to-trinh.pdf", pdf_bytes("To trinh"))]
        }

    added = api.post(url, body(), format="multipart", HTTP_IDEMPOTENCY_KEY="f1")
    assert added.status_code == 201, added.json()
    names = [f["name"] for f in added.json()["files"]]
    assert names == ["ke-hoach.pdf", "phu-luc.xlsx", "to-trinh.pdf"]
    assert added["Location"] == f"/api/documents/{w.plan.pk}/"
    retry = api.post(url, body(), format="multipart", HTTP_IDEMPOTENCY_KEY="f1")
    assert retry.status_code == 201 and w.plan.files.count() == 3
    twice = api.post(
        url, {"files": [upload("ban-sao.pdf", pdf_bytes("To trinh"))]}, format="multipart"
    )
    assert twice.status_code == 400 and twice.json()["error"]["field"] == "files"
    assert "đã được đính kèm" in twice.json()["error"]["message"]
    wrong = api.post(url, {"files": [upload("x.docx", pdf_bytes("x"))]}, format="multipart")
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "files"
    assert "thực chất là tệp PDF" in wrong.json()["error"]["message"]
    none = api.post(url, {}, format="multipart")
    assert none.status_code == 400 and none.json()["error"]["field"] == "files"
    too_many = api.post(
        url,
        {"files": [upload(f"{n}.pdf", pdf_bytes(f"so {n}")) for n in range(11)]},
        format="multipart",
    )
    assert too_many.status_code == 400 and "tối đa 10 tệp" in too_many.json()["error"]["message"]


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(register_world, ward_clerk, settings):
    settings.TRIENKHAI_MAX_DOCUMENT_BYTES = 100
    answer = client_for(ward_clerk).post(
        f"/api/documents/{register_world.plan.pk}/files/",
        {"files": [upload("lon.pdf", pdf_bytes("Ke hoach rat dai"))]},
        format="multipart",
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "files"
    assert "vượt quá giới hạn" in answer.json()["error"]["message"]


# --- writing: consultations -------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_round_from_opening_to_signing(world, propaganda_officer, city_secretary, viewer):  # noqa: F811
    document = draft(world.city, "Dự thảo Quy chế làm việc")
    files.file_attach(
        actor=None,
        document=document,
        uploaded=upload("qc.docx", builders.docx_bytes("Điều 1"), builders.DOCX_TYPE),
        version=document.versions.get(),
    )
    organiser = client_for(propaganda_officer)
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    body = {
        "persons": [world.an.pk, world.binh.pk, world.cuong.pk],
        "deadline": day,
        "message": "Đề nghị góp ý",
    }
    opened = organiser.post(
        f"/api/documents/{document.pk}/consultations/",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY="o1",
    )
    assert opened.status_code == 201, opened.json()
    round_ = opened.json()
    assert (round_["round_number"], round_["recipients"], round_["is_open"]) == (1, 3, True)
    assert round_["deadline"].startswith(f"{day}T23:59")
    assert opened["Location"] == f"/api/consultations/{round_['id']}/"
    retried = organiser.post(
        f"/api/documents/{document.pk}/consultations/",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY="o1",
    )
    assert retried.json()["id"] == round_["id"]
    second = organiser.post(f"/api/documents/{document.pk}/consultations/", body, format="json")
    assert second.status_code == 400 and "đang mở" in second.json()["error"]["message"]
    document.refresh_from_db()
    assert document.status == "consultation"

    pk = round_["id"]
    an = client_for(world.an.user)
    said = an.post(
        f"/api/consultations/{pk}/comments/",
        {"section": "Điều 1", "text": "Sửa Điều 1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="c1",
    )
    assert said.status_code == 201, said.json()
    assert (said.json()["person"], said.json()["is_late"]) == ("Nguyễn Văn An", False)
    an.post(
        f"/api/consultations/{pk}/comments/",
        {"section": "Điều 1", "text": "Sửa Điều 1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="c1",
    )
    assert document.consultations.get().comments.count() == 1
    assert (
        client_for(viewer)
        .post(f"/api/consultations/{pk}/comments/", {"text": "Tôi cũng góp"}, format="json")
        .status_code
        == 403
    )
    empty = an.post(f"/api/consultations/{pk}/comments/", {"text": " "}, format="json")
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "text"

    # Bình answers on paper; the organiser records it; Cường has no comment.
    recipients = organiser.get(f"/api/consultations/{pk}/recipients/").json()
    binh = next(r["id"] for r in recipients if r["person"] == "Trần Thị Bình")
    cuong = next(r["id"] for r in recipients if r["person"] == "Lê Văn Cường")
    assert an.get(f"/api/consultations/{pk}/recipients/").status_code == 403
    paper = organiser.post(
        f"/api/consultations/{pk}/comments/",
        {"text": "Bổ sung Điều 2", "recipient": binh},
        format="json",
    )
    assert paper.status_code == 201 and paper.json()["person"] == "Trần Thị Bình"
    on_behalf_by_an = an.post(
        f"/api/consultations/{pk}/comments/", {"text": "x", "recipient": binh}, format="json"
    )
    assert on_behalf_by_an.status_code == 403
    none = client_for(world.cuong.user).post(
        f"/api/consultations/{pk}/no-comment/", {}, format="json"
    )
    assert none.status_code == 200 and none.json()["no_comment"] is True
    assert none.json()["id"] == cuong

    # The synthesis table, closing, submitting, signing.
    blocked = organiser.post(f"/api/documents/{document.pk}/submit/")
    assert blocked.status_code == 400
    closed = organiser.post(f"/api/consultations/{pk}/close/")
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    late = an.post(f"/api/consultations/{pk}/comments/", {"text": "Muộn"}, format="json")
    assert late.status_code == 400 and "đã kết thúc" in late.json()["error"]["message"]
    comments = organiser.get(f"/api/consultations/{pk}/comments/").json()["results"]
    explained = organiser.patch(
        f"/api/comments/{comments[1]['id']}/", {"resolution": "explained"}, format="json"
    )
    assert explained.status_code == 400 and explained.json()["error"]["field"] == "response"
    for comment in comments:
        done = organiser.patch(
            f"/api/comments/{comment['id']}/", {"resolution": "accepted"}, format="json"
        )
        assert done.status_code == 200 and done.json()["resolution"] == "accepted"
    assert (
        an.patch(
            f"/api/comments/{comments[0]['id']}/", {"resolution": "pending"}, format="json"
        ).status_code
        == 403
    )
    revised = organiser.post(
        f"/api/documents/{document.pk}/versions/",
        {
            "file": upload("qc-v2.docx", builders.docx_bytes("Điều 1 mới"), builders.DOCX_TYPE),
            "note": "Tiếp thu",
            "answers": [c["id"] for c in comments],
        },
        format="multipart",
    )
    assert revised.status_code == 201, revised.json()
    assert [f["version"] for f in revised.json()["files"]] == [1, 2]
    assert revised.json()["status"] == "revised"
    submitted = organiser.post(f"/api/documents/{document.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    issued = client_for(city_secretary).post(
        f"/api/documents/{document.pk}/issue/",
        {"issued_on": dt.date.today().isoformat(), "signer": world.an.pk},
        format="json",
    )
    assert issued.status_code == 200, issued.json()
    assert issued.json()["signer_name"] == "Nguyễn Văn An"
    assert issued.json()["signer_title"] == "Bí thư Thành ủy"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"deadline": "mai"}, "deadline"),
        ({"deadline": "9999-12-31T23:59:59-12:00"}, "deadline"),
        ({"persons": []}, "persons"),
        ({"persons": [999999]}, "persons"),
        ({"position_roles": ["pope"]}, "position_roles"),
    ],
)
def test_opening_errors_name_their_field(world, propaganda_officer, changes, field):  # noqa: F811
    document = draft(world.city)
    body = {"persons": [world.an.pk], "deadline": "2100-01-01T17:00:00+07:00", **changes}
    answer = client_for(propaganda_officer).post(
        f"/api/documents/{document.pk}/consultations/", body, format="json"
    )
    assert answer.status_code == 400, answer.json()
    # A wrong item of a list is named with its index (position_roles.0), as everywhere.
    assert answer.json()["error"]["field"].startswith(field)


@pytest.mark.django_db
def test_a_round_sent_to_a_committee(world, propaganda_officer):  # noqa: F811
    document = draft(world.city)
    answer = client_for(propaganda_officer).post(
        f"/api/documents/{document.pk}/consultations/",
        {"position_units": [world.btv.pk], "deadline": "2100-01-01T17:00:00"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["recipients"] == 3
    assert answer.json()["deadline"].startswith("2100-01-01T17:00:00")
    reminded = client_for(propaganda_officer).post(
        f"/api/consultations/{answer.json()['id']}/remind/"
    )
    assert reminded.status_code == 200 and reminded.json() == {"reminders": 3}
