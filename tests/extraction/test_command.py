"""`trienkhai extract` as a user runs it: the table, --json, standard input, errors, --evaluate."""

import json
import pathlib
import subprocess
import sys

from trienkhai.extraction.command import main

DEMO = (
    pathlib.Path(__file__).resolve().parents[2] / "trienkhai/demo/demo_data/ben-tre-cu-the-hoa.txt"
)
CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"


def test_json_has_the_documented_shape(capsys):
    assert main([str(DEMO), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"doc_refs", "deadlines", "quantities", "assignments"}
    assert out["doc_refs"][0] == {
        "number": "07-KH/ThU",
        "type": "KH",
        "issuer": "ThU",
        "date": "2020-08-07",
    }
    assert {"text", "date", "precision"} <= set(out["deadlines"][0])
    assert {"text", "value", "unit"} <= set(out["quantities"][0])
    assert {"lead", "coordinators", "task", "deadline"} <= set(out["assignments"][0])


def test_spans_option_adds_offsets(capsys):
    assert main([str(DEMO), "--json", "--spans"]) == 0
    ref = json.loads(capsys.readouterr().out)["doc_refs"][0]
    assert ref["end"] > ref["start"] >= 0 and ref["kind"] == "Kế hoạch"


def test_readable_table_without_json(capsys):
    assert main([str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "07-KH/ThU" in out and "Chủ trì / Lead:        UBND thành phố" in out


def test_missing_file_empty_text_and_folder_exit_2_with_a_message(tmp_path, capsys):
    assert main([str(tmp_path / "khong-co.txt")]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err
    empty = tmp_path / "rong.txt"
    empty.write_text("   \n", encoding="utf-8")
    assert main([str(empty)]) == 2
    err = capsys.readouterr().err
    assert "rỗng" in err or "không có nội dung" in err
    assert main([str(tmp_path)]) == 2
    assert "thư mục" in capsys.readouterr().err
    assert main(["--evaluate", str(tmp_path)]) == 2
    assert "không có cặp tệp" in capsys.readouterr().err


def test_unreadable_pdf_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    run = subprocess.run(
        [sys.executable, "-m", "trienkhai.cli", "extract", str(bad)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.startswith("trienkhai extract:")


def test_standard_input_through_the_console_command():
    run = subprocess.run(
        [sys.executable, "-m", "trienkhai.cli", "extract", "-", "--json"],
        input="Giao Sở Nội vụ chủ trì rà soát biên chế, xong trước ngày 30/6/2025.".encode(),
        capture_output=True,
    )
    assert run.returncode == 0, run.stderr.decode()
    out = json.loads(run.stdout)
    assert out["assignments"][0]["lead"] == "Sở Nội vụ"
    assert out["assignments"][0]["deadline"] == "2025-06-30"


def test_evaluate_prints_precision_recall_f1_per_field(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(
        "Theo Kế hoạch số 07-KH/ThU, ngày 7-8-2020, mở 11 lớp, xong trước ngày 30-9-2020.",
        encoding="utf-8",
    )
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "doc_refs": [
                    {"number": "07-KH/ThU", "type": "KH", "issuer": "ThU", "date": "2020-08-07"}
                ],
                "deadlines": [{"text": "x", "date": "2020-09-30", "precision": "day"}],
                "quantities": [
                    {"text": "11 lớp", "value": 11, "unit": "lớp"},
                    {"text": "5 xã", "value": 5, "unit": "xã"},
                ],
                "assignments": [],
            }
        ),
        encoding="utf-8",
    )
    assert main(["--evaluate", str(tmp_path), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["texts"] == 1
    assert scores["doc_refs"]["f1"] == 1.0
    assert scores["quantities"] == {
        "matched": 1,
        "extracted": 1,
        "annotated": 2,
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
    }
    assert main(["--evaluate", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert "quantities" in table and "0.500" in table


def test_corpus_has_forty_annotated_texts_in_two_parts():
    dev = list((CORPUS / "dev").glob("*.txt"))
    heldout = list((CORPUS / "heldout").glob("*.txt"))
    assert len(dev) + len(heldout) >= 40 and len(heldout) >= 20
    for text in dev + heldout:
        annotation = json.loads(text.with_suffix(".json").read_text(encoding="utf-8"))
        assert annotation["modelled_on"]
        for field in ("doc_refs", "deadlines", "quantities", "assignments"):
            assert isinstance(annotation[field], list), (text.name, field)


def test_old_tcvn3_and_vni_files_read_like_unicode(tmp_path, capsys):
    from trienkhai.extraction.legacy import encode_legacy

    text = DEMO.read_text(encoding="utf-8")
    assert main([str(DEMO), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    for encoding in ("tcvn3", "vni"):
        old = tmp_path / f"{encoding}.txt"
        old.write_bytes(encode_legacy(text, encoding))
        assert main([str(old), "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["doc_refs"] == expected["doc_refs"], encoding
        assert got["deadlines"] == expected["deadlines"], encoding
        assert [a["lead"] for a in got["assignments"]] == [
            a["lead"] for a in expected["assignments"]
        ], encoding


def test_a_word_file(tmp_path, capsys):
    import docx

    document = docx.Document()
    document.add_paragraph("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính rà soát biên chế.")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(
        table.rows[0].cells, ["Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"], strict=True
    ):
        cell.text = value
    for cell, value in zip(
        table.rows[1].cells, ["Số hóa hồ sơ", "Sở Tư pháp", "Quý IV/2025"], strict=True
    ):
        cell.text = value
    path = tmp_path / "ke-hoach.docx"
    document.save(path)
    assert main([str(path), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["assignments"]
    assert [(a["lead"], a["deadline"]) for a in got] == [
        ("Sở Nội vụ", None),
        ("Sở Tư pháp", "2025-Q4"),
    ]
