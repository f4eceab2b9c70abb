"""Classification tables: SST-2 as shipped, every format by suffix, bad rows by line, counted cuts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import ConfigError, InputError
from tests.training.conftest import synthetic_docs
from training.finetune.tabular import LabeledTexts, encode_texts, label_names, read_labeled

SST2 = Path("/work/shared/data/classification")


@pytest.fixture(scope="module")
def tok():
    from training.tokenizer import train_bpe

    return train_bpe(synthetic_docs(40), 300)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    ("split", "rows", "positive"), [("train", 6920, 3610), ("dev", 872, 444), ("test", 1821, 909)]
)
def test_sst2_reads_with_no_options(split, rows, positive):
    data = read_labeled(SST2 / f"sst2_{split}.tsv")
    assert len(data.texts) == len(data.labels) == data.stats["rows"] == data.stats["kept"] == rows
    assert data.labels.count("1") == positive
    assert data.stats["skipped_empty_text"] == 0
    assert label_names(data) == ["0", "1"]
    assert data.texts[0] and "\t" not in data.texts[0]


def test_csv_follows_quoting_and_counts_lines(tmp_path):
    text = 'label,sentence\npos,"good, ""really"" good"\nneg,"bad\nover two lines"\nneg,meh\n'
    data = read_labeled(write(tmp_path, "t.csv", text))
    assert data.texts == ['good, "really" good', "bad\nover two lines", "meh"]
    assert data.labels == ["pos", "neg", "neg"]
    bad = write(tmp_path, "bad.csv", text + "pos\n")
    with pytest.raises(InputError, match=f"{bad}:6: 1 fields, too few"):
        read_labeled(bad)


def test_tsv_does_not_interpret_quotes(tmp_path):
    data = read_labeled(write(tmp_path, "t.tsv", 'label\tsentence\n1\t" quoted " start\n'))
    assert data.texts == ['" quoted " start']


def test_headerless_txt_by_index(tmp_path):
    path = write(tmp_path, "t.txt", "a day out|2\n\nrain again|10\n")
    data = read_labeled(path, text_column=0, label_column=1, header=False, delimiter="|")
    assert (data.texts, data.labels) == (["a day out", "rain again"], ["2", "10"])
    assert data.stats["blank_lines"] == 1
    with pytest.raises(ConfigError, match="needs delimiter="):
        read_labeled(path, text_column=0, label_column=1, header=False)
    with pytest.raises(ConfigError, match="header=False; give a 0-based index"):
        read_labeled(path, header=False, delimiter="|")
    with pytest.raises(ConfigError, match="column 2 is out of range"):
        read_labeled(path, text_column=0, label_column=2, header=False, delimiter="|")


@pytest.mark.parametrize("name", ["t.jsonl", "t.jsonl.gz"])
def test_jsonl_by_key(tmp_path, name):
    lines = [{"text": "fine", "y": 1}, {"text": "", "y": 0}, {"text": "dull", "y": 0}]
    data = "\n".join(json.dumps(x) for x in lines) + "\n\n"
    raw = gzip.compress(data.encode()) if name.endswith(".gz") else data.encode()
    read = read_labeled(write(tmp_path, name, raw), text_column="text", label_column="y")
    assert (read.texts, read.labels) == (["fine", "dull"], ["1", "0"])
    assert read.stats == {"rows": 3, "kept": 2, "skipped_empty_text": 1, "blank_lines": 1}
    with pytest.raises(ConfigError, match="no column 'sentence'. Available: text, y"):
        read_labeled(tmp_path / name)


def test_jsonl_bad_records_name_their_line(tmp_path):
    path = write(tmp_path, "t.jsonl", '{"sentence": "a", "label": 1}\n{"sentence": "b"\n')
    with pytest.raises(InputError, match=f"{path}:2: not JSON"):
        read_labeled(path)
    path = write(tmp_path, "u.jsonl", '{"sentence": "a", "label": 1}\n{"sentence": "b"}\n')
    with pytest.raises(InputError, match=f"{path}:2: no key 'label'"):
        read_labeled(path)


def test_parquet_by_name_or_index(tmp_path):
    table = pa.table({"id": [1, 2, 3], "body": ["yes", None, "no"], "stars": [5, 4, 1]})
    pq.write_table(table, tmp_path / "t.parquet")
    data = read_labeled(tmp_path / "t.parquet", text_column="body", label_column="stars")
    assert (data.texts, data.labels) == (["yes", "no"], ["5", "1"])
    assert data.stats["skipped_empty_text"] == 1
    assert read_labeled(tmp_path / "t.parquet", text_column=1, label_column=2).labels == ["5", "1"]
    with pytest.raises(ConfigError, match="no column 'label'. Available: id, body, stars"):
        read_labeled(tmp_path / "t.parquet", text_column="body")


def test_missing_column_lists_the_available_ones(tmp_path):
    path = write(tmp_path, "t.tsv", "stars\treview\n1\tok\n")
    with pytest.raises(ConfigError, match="no column 'sentence'. Available: stars, review"):
        read_labeled(path)


def test_row_with_too_few_fields(tmp_path):
    path = write(tmp_path, "t.tsv", "label\tsentence\n1\tgood\n0\n")
    with pytest.raises(InputError, match=f"{path}:3: 1 fields, too few"):
        read_labeled(path)


def test_empty_label(tmp_path):
    path = write(tmp_path, "t.tsv", "label\tsentence\n1\tgood\n \tbad\n")
    with pytest.raises(InputError, match=f"{path}:3: empty label"):
        read_labeled(path)


def test_empty_text_is_skipped_and_counted(tmp_path):
    data = read_labeled(write(tmp_path, "t.tsv", "label\tsentence\n1\tgood\n0\t  \n0\tbad\n"))
    assert data.texts == ["good", "bad"]
    assert (data.stats["rows"], data.stats["kept"], data.stats["skipped_empty_text"]) == (3, 2, 1)


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "t.tsv", b"label\tsentence\n1\tgood\n0\tcaf\xe9\n")
    with pytest.raises(InputError, match=f"{path}:3: not UTF-8"):
        read_labeled(path)


def test_unknown_format(tmp_path):
    with pytest.raises(InputError, match="unknown table format"):
        read_labeled(write(tmp_path, "t.xlsx", "x"))


def test_label_names_sort_numbers_by_value():
    table = LabeledTexts(texts=["t"] * 5, labels=["10", "2", "1", "0", "2"], file="f", stats={})
    assert label_names(table) == ["0", "1", "2", "10"]
    mixed = LabeledTexts(texts=["t"] * 3, labels=["neg", "10", "9"], file="f", stats={})
    assert label_names(mixed) == ["9", "10", "neg"]


def test_encode_texts_wraps_and_counts_truncation(tok):
    texts = ["The baker sold.", synthetic_docs(1, seed=3)[0], ""]
    ids, stats = encode_texts(texts, tok, max_seq_len=16)
    assert all(len(x) <= 16 for x in ids)
    assert all(x[0] == tok.cls_token_id and x[-1] == tok.sep_token_id for x in ids)
    assert ids[2] == [tok.cls_token_id, tok.sep_token_id]
    assert stats["texts"] == 3 and stats["truncated"] == 1
    assert stats["truncated_tokens"] == stats["longest"] - 14
    full = tok(texts[0], add_special_tokens=False)["input_ids"]
    assert ids[0][1:-1] == full
    with pytest.raises(ConfigError, match="max_seq_len=2"):
        encode_texts(texts, tok, max_seq_len=2)
