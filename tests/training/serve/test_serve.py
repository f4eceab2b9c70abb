"""`forage serve`: predictions with character offsets and scores, request validation, and the
Ray Serve endpoint on loopback answering valid, malformed and oversized requests."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from training.serve.app import BadRequest, ServeConfig, ServeLimits, parse_request, start
from training.serve.predictor import Predictor

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


@pytest.fixture(scope="module")
def ner_model(base_model, tmp_path_factory):
    """A token-classification export of the tiny base model (untrained head), with lineage."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    run = tmp_path_factory.mktemp("ner-run")
    model = AutoModelForTokenClassification.from_pretrained(
        base_model, id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)}
    )
    model.save_pretrained(run / "hf")
    AutoTokenizer.from_pretrained(base_model).save_pretrained(run / "hf")
    (run / "run.json").write_text(json.dumps({"task": "ner", "corpus_manifest_sha256": "cd" * 32}))
    return run / "hf"


def test_ner_entities_point_into_the_text(ner_model):
    predictor = Predictor(ner_model)
    text = "Angela Merkel visited Paris on Monday. " * 12  # longer than the 48-token window
    (result,) = predictor.predict([text])
    for entity in result["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["type"] in {"PER", "LOC"} and 0 < entity["score"] <= 1


def test_dynamic_quantization_keeps_the_answer_shape(ner_model):
    (result,) = Predictor(ner_model, quantize="dynamic").predict(["Paris in May."])
    assert set(result) == {"entities"}


def test_a_directory_without_a_model_is_a_clear_error(tmp_path):
    from pipelines.core.errors import InputError

    with pytest.raises(InputError, match="no config.json"):
        Predictor.check(tmp_path)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "invalid JSON"),
        (b'{"text": 3}', 400, "string or a list"),
        (b'{"texts": "a"}', 400, "expected a JSON object"),
        (b'{"text": "   "}', 400, "text 0 is empty"),
        (b'{"text": []}', 400, "empty list"),
        (json.dumps({"text": ["a"] * 5}).encode(), 413, "5 texts"),
        (json.dumps({"text": "x" * 101}).encode(), 413, "101 characters"),
        (b"x" * 2000, 413, "limit is 1,000"),
    ],
)
def test_bad_requests_are_named(body, status, message):
    limits = ServeLimits(max_body_bytes=1000, max_texts=4, max_chars=100)
    with pytest.raises(BadRequest, match=message) as error:
        parse_request(body, limits)
    assert error.value.status == status


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_endpoint_on_loopback(ray_local, ner_model):
    from ray import serve

    limits = ServeLimits(max_body_bytes=20_000, max_texts=8, max_chars=2_000)
    url = start(ServeConfig(model=str(ner_model), limits=limits), port=_free_port())
    try:
        assert url.startswith("http://127.0.0.1:")
        assert _call(f"{url}/healthz") == (200, {"status": "ok", "task": "ner"})
        status, info = _call(f"{url}/info")
        assert status == 200 and info["labels"] == LABELS
        assert info["lineage"]["corpus_manifest_sha256"] == "cd" * 32
        status, one = _call(f"{url}/predict", json.dumps({"text": "Angela Merkel."}).encode())
        assert status == 200 and "entities" in one
        texts = json.dumps({"text": ["Paris.", "Berlin in May."]}).encode()
        status, many = _call(f"{url}/predict", texts)
        assert status == 200 and len(many["predictions"]) == 2
        assert _call(f"{url}/predict", b"{oops")[0] == 400
        assert _call(f"{url}/predict", json.dumps({"text": "x" * 3000}).encode())[0] == 413
        assert _call(f"{url}/predict", b"[" * 30_000)[0] == 413
        assert _call(f"{url}/nowhere")[0] == 404
        assert _call(f"{url}/predict")[0] == 405  # GET
        with ThreadPoolExecutor(8) as pool:  # concurrent requests, batched by serve.batch
            body = json.dumps({"text": "Angela Merkel visited Paris."}).encode()
            answers = list(pool.map(lambda _: _call(f"{url}/predict", body), range(16)))
        assert all(status == 200 for status, _ in answers)
        assert len({json.dumps(a) for _, a in answers}) == 1  # batching changes no answer
        assert _call(f"{url}/healthz")[0] == 200  # bad requests did not take the replica down
    finally:
        serve.shutdown()
