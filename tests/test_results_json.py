"""The results JSON (schema 2): compact by default, full on request, and every form reads back into the very
records it was written from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import chuanxa
from chuanxa.cli.main import cli
from chuanxa.outputs.jsonout import INDICATOR_STATIC, SCHEMA_VERSION, encode_batch, read_results

ROOT = Path(__file__).parent.parent
DISTRICT = ROOT / "examples" / "thieu_hoa_2024.csv"


@pytest.fixture(scope="module")
def batch() -> chuanxa.BatchResult:
    return chuanxa.score_many(DISTRICT)


def test_a_compact_document_reads_back_into_the_same_results(batch: chuanxa.BatchResult) -> None:
    assert read_results(encode_batch(batch)) == batch


def test_a_full_document_reads_back_too_and_its_communes_are_the_documented_objects(batch: chuanxa.BatchResult) -> None:
    data = json.loads(encode_batch(batch, "full"))
    assert data["schema_version"] == SCHEMA_VERSION == 3 and data["detail"] == "full" and "rulesets" not in data
    assert data["results"] == [r.to_json_dict() for r in batch.results]
    assert read_results(data) == batch


def test_compact_communes_leave_the_ruleset_text_to_one_section(batch: chuanxa.BatchResult) -> None:
    compact, full = encode_batch(batch), encode_batch(batch, "full")
    data = json.loads(compact)
    first = data["results"][0]
    assert not set(INDICATOR_STATIC) & set(first["indicators"][0]) and "title" not in first["criteria"][0]
    assert {"points", "status", "reason", "values"} <= set(first["indicators"][0])
    section = data["rulesets"][first["ruleset"]["sha256"]]
    source = batch.results[0].indicators[0].source
    assert section["indicators"]["1"]["source"] == source and compact.count(source.encode()) == 1
    assert full.count(source.encode()) == len(batch.results)
    assert len(compact) * 2 < len(full)
    assert all(g["message"]["vi"] for r in data["results"] for g in r["gaps"]), "gap sentences are per commune: kept"


def test_a_commune_per_line_so_a_large_file_can_be_read_with_a_text_tool(batch: chuanxa.BatchResult) -> None:
    lines = bytes(encode_batch(batch)).split(b"\n")
    codes = [json.loads(line.rstrip(b","))["commune"]["code"] for line in lines if line.startswith(b'{"ruleset"')]
    assert codes == [r.commune.code for r in batch.results]


def test_a_record_whose_ruleset_text_differs_keeps_it_inline(batch: chuanxa.BatchResult) -> None:
    first = batch.results[0]
    changed = first.indicators[0].model_copy(update={"note": "ghi chú riêng của xã này"})
    odd = first.model_copy(update={"commune": first.commune.model_copy(update={"code": "X1"}), "indicators": (changed, *first.indicators[1:])})
    mixed = batch.model_copy(update={"results": (*batch.results, odd)})
    data = json.loads(encode_batch(mixed))
    assert data["results"][-1]["indicators"][0]["note"] == "ghi chú riêng của xã này"
    assert "note" not in data["results"][0]["indicators"][0]
    assert read_results(data) == mixed


def test_summaries_read_back_in_both_forms() -> None:
    summaries = chuanxa.summarise_many(DISTRICT)
    for detail in ("compact", "full"):
        assert read_results(encode_batch(summaries, detail)) == summaries  # type: ignore[arg-type]


def test_a_schema_1_file_still_reads(batch: chuanxa.BatchResult) -> None:
    old = {"schema_version": 1, **batch.to_json_dict()}
    assert read_results(json.dumps(old, ensure_ascii=False).encode()) == batch


@pytest.mark.parametrize("content, words", [(b"[1, 2]", "results"), (b"{not json", "char"), (b'{"schema_version": 9, "results": []}', "9")])
def test_a_file_that_is_not_a_results_document_is_refused_in_both_languages(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(chuanxa.CommuneDataError) as caught:
        read_results(path)
    assert "x.json" in caught.value.message("vi") and "không phải là tệp kết quả" in caught.value.message("vi")
    assert words in caught.value.message("en")


def test_the_cli_writes_compact_by_default_and_full_on_request(tmp_path: Path, batch: chuanxa.BatchResult) -> None:
    outputs = {}
    for extra in ((), ("--detail", "full")):
        out = tmp_path / f"r{len(extra)}.json"
        result = CliRunner().invoke(cli, ["batch", str(DISTRICT), "-o", str(out), *extra], catch_exceptions=False, standalone_mode=False)
        assert result.exit_code == 0 and result.return_value == 0
        outputs[extra] = out
        assert read_results(out) == batch
    assert json.loads(outputs[()].read_bytes())["detail"] == "compact"
    assert json.loads(outputs[("--detail", "full")].read_bytes())["results"][0]["indicators"][0]["title"]["vi"]
    summary = tmp_path / "s.json"
    CliRunner().invoke(cli, ["batch", str(DISTRICT), "-o", str(summary), "--summary"], catch_exceptions=False, standalone_mode=False)
    assert read_results(summary) == chuanxa.summarise_many(DISTRICT)


def test_scoring_one_commune_at_a_time_gives_score_many_and_its_rejected_rows(tmp_path: Path) -> None:
    from chuanxa.api import ScoreRun

    table = tmp_path / "district.csv"
    lines = DISTRICT.read_text(encoding="utf-8-sig").splitlines()
    bad = lines[2].split(",")
    bad[13] = "abc"  # health insurance rate
    table.write_text("\n".join([lines[0], lines[1], ",".join(bad), *lines[3:]]) + "\n", encoding="utf-8")
    run = ScoreRun(table)
    streamed = tuple(run)
    whole = chuanxa.score_many(table)
    assert run.envelope(streamed) == whole and len(whole.rejected) == 1 and whole.rejected[0].row == 3
    assert read_results(encode_batch(whole)) == whole


@pytest.mark.parametrize("detail", ["compact", "full"])
@pytest.mark.parametrize("kept", [7, 100_000])
def test_records_shared_between_communes_are_written_as_if_each_were_encoded_afresh(monkeypatch: pytest.MonkeyPatch, detail: str, kept: int) -> None:
    """The encoder writes a record it meets again from its bytes. With its tables emptied every few records or
    never, and the results let go as they are written (so that the ids of freed records are reused), the document
    is byte for byte the one written with no record shared, and each commune is its documented object."""
    from chuanxa.communes.readers import read_table
    from chuanxa.outputs import jsonout

    engine = chuanxa.compiled(None)
    communes = [row.data for row in read_table(DISTRICT, engine.ruleset).rows]
    varied = [data.with_values(health_insurance_rate=80 + n % 17) for n in range(60) for data in communes[n % 5: n % 5 + 1]]

    def results() -> Iterator[chuanxa.CommuneResult]:
        return (chuanxa.score(data) for data in varied + communes)

    empty = chuanxa.BatchResult(results=())
    monkeypatch.setattr(jsonout, "SHARED_CACHE", kept)
    shared = bytes(jsonout.encode_stream(results(), lambda: empty, detail))  # type: ignore[arg-type]
    monkeypatch.setattr(jsonout, "_SHARED", frozenset())
    unshared = bytes(jsonout.encode_stream(results(), lambda: empty, detail))  # type: ignore[arg-type]
    assert shared == unshared
    if detail == "full":
        assert json.loads(shared)["results"] == [result.to_json_dict() for result in results()]
