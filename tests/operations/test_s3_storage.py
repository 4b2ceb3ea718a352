"""Uploaded files in an S3-compatible bucket (TRIENKHAI_STORAGE=s3): moto's server answers real
S3 HTTP requests on a loopback port, and the product's own pages upload, serve (with their
permission checks), back up and restore the files through it. Nothing lands in the local media
folder, and no object is made public."""

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.clients import client_for
from tests.documents.builders import docx_bytes, pdf_bytes, register, upload
from tests.operations.conftest import members, run_backup, run_restore
from tests.plans.test_tasks import PNG, make_task
from trienkhai import settings as project_settings
from trienkhai.documents.models import DocumentFile
from trienkhai.lib.backup import live_fingerprints, media_names, media_storage

boto3 = pytest.importorskip("boto3", reason="the s3 extra is not installed")
pytest.importorskip("storages", reason="django-storages (the s3 extra) is not installed")
moto_server = pytest.importorskip(
    "moto.server", reason="moto[server] (in the test extra) is not installed"
)

KEY, SECRET, REGION = "trienkhai-test", "trienkhai-test-secret", "us-east-1"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def endpoint():
    """An S3-compatible HTTP endpoint on a free loopback port, for this module's tests."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def prefix():
    """TRIENKHAI_S3_PREFIX: none unless a test says otherwise."""
    return ""


@pytest.fixture
def bucket(endpoint, settings, monkeypatch, tmp_path, prefix):
    """A new bucket, and the site's file storage switched to it as TRIENKHAI_STORAGE=s3 would."""
    name = f"trienkhai-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    for variable, value in {
        "TRIENKHAI_S3_BUCKET": name,
        "TRIENKHAI_S3_ENDPOINT_URL": endpoint,
        "TRIENKHAI_S3_ACCESS_KEY": KEY,
        "TRIENKHAI_S3_SECRET_KEY": SECRET,
        "TRIENKHAI_S3_REGION": REGION,
        "TRIENKHAI_S3_PREFIX": prefix,
    }.items():
        monkeypatch.setenv(variable, value)
    settings.MEDIA_ROOT = tmp_path / "local-media"
    settings.STORAGES = {**settings.STORAGES, "default": project_settings._s3_storage()}
    client.name = name
    return client


def objects(bucket) -> dict[str, bytes]:
    listed = bucket.list_objects_v2(Bucket=bucket.name).get("Contents", [])
    return {
        o["Key"]: bucket.get_object(Bucket=bucket.name, Key=o["Key"])["Body"].read() for o in listed
    }


def assert_private(bucket, key: str) -> None:
    grants = bucket.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert all(g["Grantee"].get("URI") != ALL_USERS for g in grants), grants


def local_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Uploads and downloads through the pages -----------------------------------------------------
@pytest.mark.django_db
def test_a_document_file_uploaded_through_the_page_is_served_from_the_bucket(
    bucket, settings, tree, propaganda_officer, outsider, login, client
):
    plan = register(tree.city, "07-KH/ThU", dt.date(2020, 8, 7))
    data = pdf_bytes("Ke hoach luu tren kho S3")

    response = login(propaganda_officer).post(
        reverse("documents:file_add", args=[plan.pk]),
        {"files": [upload("Kế hoạch 07.pdf", data, "application/pdf")]},
    )

    assert response.status_code == 302
    stored = DocumentFile.objects.get(document=plan)
    assert objects(bucket) == {stored.file.name: data}
    assert stored.file.name.startswith("documents/") and stored.file.name.endswith(".pdf")
    assert_private(bucket, stored.file.name)
    assert local_files(settings) == []

    url = reverse("documents:file_download", args=[plan.pk, stored.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Length"] == str(len(data))
    assert "attachment" in download["Content-Disposition"]
    assert "K%E1%BA%BF%20ho%E1%BA%A1ch%2007.pdf" in download["Content-Disposition"]
    # The answer is the file itself, never a redirect to a (signed) bucket address.
    assert bucket.name not in str(download.headers)

    assert login(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_api_serves_a_document_file_from_the_bucket(bucket, tree, propaganda_officer, outsider):
    plan = register(tree.city, "07-KH/ThU", dt.date(2020, 8, 7))
    data = docx_bytes("Kế hoạch 07-KH/ThU")
    uploaded = client_for(propaganda_officer).post(
        f"/api/documents/{plan.pk}/files/",
        {"files": [upload("ke-hoach.docx", data)]},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    stored = DocumentFile.objects.get(document=plan)
    assert objects(bucket) == {stored.file.name: data}
    url = f"/api/documents/{plan.pk}/files/{stored.pk}/"

    answer = client_for(propaganda_officer).get(url)

    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == data
    assert 'filename="ke-hoach.docx"' in answer["Content-Disposition"]
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_task_evidence_goes_to_the_bucket_and_back(
    bucket, settings, tree, ward_clerk, propaganda_officer, outsider, login
):
    task = make_task(tree)
    response = login(ward_clerk).post(
        reverse("plans:task_comment", args=[task.pk]),
        {
            "text": "Ảnh buổi họp chi bộ.",
            "evidence": SimpleUploadedFile("buoi-hop.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    comment = task.comments.get()
    assert objects(bucket) == {comment.evidence.name: PNG}
    assert_private(bucket, comment.evidence.name)
    assert local_files(settings) == []
    url = reverse("plans:task_evidence", args=[task.pk, comment.pk])

    download = login(propaganda_officer).get(url)

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert "buoi-hop.png" in download["Content-Disposition"]
    assert login(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_a_file_missing_from_the_bucket_is_a_404_not_a_crash(
    bucket, tree, propaganda_officer, login
):
    plan = register(tree.city, "07-KH/ThU", dt.date(2020, 8, 7))
    login(propaganda_officer).post(
        reverse("documents:file_add", args=[plan.pk]),
        {"files": [upload("a.pdf", pdf_bytes("a"), "application/pdf")]},
    )
    stored = DocumentFile.objects.get(document=plan)
    bucket.delete_object(Bucket=bucket.name, Key=stored.file.name)

    response = login(propaganda_officer).get(
        reverse("documents:file_download", args=[plan.pk, stored.pk])
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_same_content_on_two_documents_is_two_objects(bucket, tree, propaganda_officer):
    """As in a local folder: deleting one document's file leaves the other's in place."""
    from trienkhai.documents import files

    data = pdf_bytes("Cung noi dung")
    first = register(tree.city, "07-KH/ThU", dt.date(2020, 8, 7))
    second = register(tree.city, "08-KH/ThU", dt.date(2020, 8, 8))
    a = files.file_attach(actor=propaganda_officer, document=first, uploaded=upload("a.pdf", data))
    b = files.file_attach(actor=propaganda_officer, document=second, uploaded=upload("b.pdf", data))

    assert a.file.name != b.file.name
    assert objects(bucket) == {a.file.name: data, b.file.name: data}


# --- Backup and restore --------------------------------------------------------------------------
@pytest.fixture
def s3_site(bucket, site):
    """The operations tests' site (a PDF and a DOCX attached), its files in the bucket."""
    return site


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_the_files_in_the_bucket(s3_site, bucket, tmp_path):
    archive = tmp_path / "trienkhai.tar.gz"
    stored = objects(bucket)
    assert len(stored) == 2

    printed = run_backup(archive)

    content = members(archive)
    manifest = json.loads(content["manifest.json"])
    assert {e["path"] for e in manifest["media"]} == set(stored)
    assert {name: data for name, data in content.items() if name.startswith("media/")} == {
        f"media/{key}": data for key, data in stored.items()
    }
    assert "2 tệp tải lên" in printed
    before = live_fingerprints()

    # After the backup: a lost object, a damaged one and a stray one.
    pdf, docx = s3_site.pdf.file.name, s3_site.docx.file.name
    bucket.delete_object(Bucket=bucket.name, Key=docx)
    bucket.put_object(Bucket=bucket.name, Key=pdf, Body=b"hong")
    bucket.put_object(Bucket=bucket.name, Key="la/tep-la.txt", Body=b"tep la")
    DocumentFile.objects.filter(pk=s3_site.docx.pk).delete()

    printed = run_restore(archive, "--force")

    assert objects(bucket) == stored
    assert live_fingerprints() == before
    assert "khớp với bản kê" in printed and "2 tệp tải lên" in printed
    for key in stored:
        assert_private(bucket, key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prefix", ["trienkhai/tinh"])
def test_a_restore_keeps_to_its_prefix_of_a_shared_bucket(s3_site, bucket, tmp_path):
    archive = tmp_path / "trienkhai.tar"
    run_backup(archive)
    ours = objects(bucket)
    assert len(ours) == 2 and all(key.startswith("trienkhai/tinh/documents/") for key in ours)
    manifest = json.loads(members(archive)["manifest.json"])
    assert all(e["path"].startswith("documents/") for e in manifest["media"])
    bucket.put_object(Bucket=bucket.name, Key="khac/cua-he-thong-khac.txt", Body=b"giu nguyen")
    bucket.put_object(Bucket=bucket.name, Key="trienkhai/tinh/la.txt", Body=b"tep la")

    run_restore(archive, "--force")

    assert objects(bucket) == {**ours, "khac/cua-he-thong-khac.txt": b"giu nguyen"}


@pytest.mark.django_db(transaction=True)
def test_a_new_server_with_an_empty_bucket_is_restored_without_force(s3_site, bucket, tmp_path):
    from django.core.management import call_command

    archive = tmp_path / "trienkhai.tar"
    run_backup(archive)
    stored, before = objects(bucket), live_fingerprints()
    call_command("flush", interactive=False, verbosity=0)
    for key in stored:
        bucket.delete_object(Bucket=bucket.name, Key=key)

    printed = run_restore(archive)

    assert objects(bucket) == stored
    assert live_fingerprints() == before
    assert "Đã thay thế" not in printed


@pytest.mark.django_db(transaction=True)
def test_files_in_the_bucket_count_as_data_a_restore_would_replace(s3_site, bucket, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    archive = tmp_path / "trienkhai.tar"
    run_backup(archive)
    call_command("flush", interactive=False, verbosity=0)  # the database is empty, the bucket not

    with pytest.raises(CommandError) as refused:
        run_restore(archive)

    assert "2 tệp tải lên" in str(refused.value) and "--force" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_local_folder_moves_the_files_into_a_bucket(
    site, endpoint, settings, monkeypatch, tmp_path, request
):
    """The way from one machine to several: back up with the local folder, restore with
    TRIENKHAI_STORAGE=s3."""
    local = {rel: media_storage().open(rel, "rb").read() for rel in media_names(media_storage())}
    assert len(local) == 2
    archive = tmp_path / "local.tar"
    run_backup(archive)
    before = live_fingerprints()

    bucket = request.getfixturevalue("bucket")
    printed = run_restore(archive, "--force")

    assert objects(bucket) == local
    assert live_fingerprints() == before
    assert "2 tệp tải lên" in printed
    # The product reads them from the bucket now.
    stored = DocumentFile.objects.get(pk=site.pdf.pk)
    assert stored.file.read() == local[stored.file.name]


@pytest.mark.django_db
def test_an_unreachable_bucket_stops_the_backup_with_one_line(bucket, settings, tmp_path):
    from django.core.management.base import CommandError

    media_storage().save("documents/a.pdf", ContentFile(b"%PDF-1.4"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "khong-co"},
        },
    }

    with pytest.raises(CommandError) as refused:
        run_backup(tmp_path / "x.tar")

    message = str(refused.value)
    assert "Kho tệp tải lên báo lỗi" in message and "NoSuchBucket" in message
    assert "\n" not in message
    assert not (tmp_path / "x.tar").exists()


# --- Start-up -------------------------------------------------------------------------------------
def start(tmp_path, env: dict, before: str = "") -> subprocess.CompletedProcess:
    """A new Python process loading the settings as `trienkhai` does at start-up."""
    code = (
        f"{before}\nimport django\ndjango.setup()\nfrom django.conf import settings\n"
        "import json\nprint(json.dumps(settings.STORAGES['default']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRIENKHAI_")}
    clean.pop("DATABASE_URL", None)
    clean.update(
        DJANGO_SETTINGS_MODULE="trienkhai.settings", TRIENKHAI_DATA_DIR=str(tmp_path), **env
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


def test_the_local_folder_is_the_default(tmp_path):
    done = start(tmp_path, {})

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_settings_come_from_the_environment(tmp_path):
    done = start(
        tmp_path,
        {
            "TRIENKHAI_STORAGE": "s3",
            "TRIENKHAI_S3_BUCKET": "trienkhai-tinh",
            "TRIENKHAI_S3_ENDPOINT_URL": "http://minio.internal:9000",
            "TRIENKHAI_S3_REGION": "us-east-1",
            "TRIENKHAI_S3_ACCESS_KEY": "khoa",
            "TRIENKHAI_S3_SECRET_KEY": "bi-mat",
            "TRIENKHAI_S3_PREFIX": "/trienkhai/",
        },
    )

    assert done.returncode == 0, done.stderr
    storage = json.loads(done.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "trienkhai-tinh"
    assert options["endpoint_url"] == "http://minio.internal:9000"
    assert options["location"] == "trienkhai"
    assert options["addressing_style"] == "path"
    assert (options["access_key"], options["secret_key"]) == ("khoa", "bi-mat")
    assert options["default_acl"] is None and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("env", "before", "said"),
    [
        ({"TRIENKHAI_STORAGE": "s3"}, "", "TRIENKHAI_S3_BUCKET must be set"),
        (
            {"TRIENKHAI_STORAGE": "s3", "TRIENKHAI_S3_BUCKET": "b"},
            "import sys\nsys.modules['storages'] = None",
            "pip install 'trienkhai[s3]'",
        ),
        ({"TRIENKHAI_STORAGE": "ftp"}, "", "TRIENKHAI_STORAGE must be local or s3"),
        (
            {
                "TRIENKHAI_STORAGE": "s3",
                "TRIENKHAI_S3_BUCKET": "b",
                "TRIENKHAI_S3_ADDRESSING_STYLE": "doc",
            },
            "",
            "TRIENKHAI_S3_ADDRESSING_STYLE must be path, virtual or auto",
        ),
    ],
    ids=["no-bucket", "no-package", "unknown-kind", "bad-addressing"],
)
def test_a_bad_storage_setting_stops_the_start_with_its_name(tmp_path, env, before, said):
    done = start(tmp_path, env, before)

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and said in done.stderr
