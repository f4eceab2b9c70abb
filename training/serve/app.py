"""``forage serve``: a model directory behind a Ray Serve HTTP endpoint.

    POST /predict  {"text": "…"} → one prediction; {"text": ["…", …]} → {"predictions": […]}
    GET  /healthz  → {"status": "ok"}
    GET  /info     → task, labels, quantization, limits and the model's lineage (run.json)

Concurrent requests are gathered by ``serve.batch`` into one forward pass. A bad request
(invalid JSON, wrong types, empty or too long text, too many texts, too large a body) gets a
4xx JSON error naming the problem; an inference failure a 500 — the replica stays up.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ray import serve

from training.serve.predictor import Predictor


@dataclass(frozen=True, kw_only=True)
class ServeLimits:
    max_body_bytes: int = 1_000_000
    max_texts: int = 64  # texts in one request
    max_chars: int = 20_000  # characters in one text


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    model: str
    task: str | None = None
    quantize: str | None = None
    replicas: int = 1
    cpus_per_replica: float = 1
    max_batch_size: int = 32  # requests gathered into one forward pass; 1: no batching
    batch_wait_s: float = 0.005
    limits: ServeLimits = ServeLimits()


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_request(body: bytes, limits: ServeLimits) -> tuple[list[str], bool]:
    """(texts, whether one text was sent) or BadRequest."""
    if len(body) > limits.max_body_bytes:
        raise BadRequest(
            413, f"body of {len(body):,} bytes; the limit is {limits.max_body_bytes:,}"
        )
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(400, f"invalid JSON: {exc}") from None
    if not isinstance(payload, dict) or "text" not in payload:
        raise BadRequest(400, 'expected a JSON object {"text": "…"} or {"text": ["…", …]}')
    text = payload["text"]
    single = isinstance(text, str)
    texts = [text] if single else text
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise BadRequest(400, '"text" must be a string or a list of strings')
    if not texts:
        raise BadRequest(400, '"text" is an empty list')
    if len(texts) > limits.max_texts:
        raise BadRequest(413, f"{len(texts)} texts in one request; the limit is {limits.max_texts}")
    for i, t in enumerate(texts):
        if not t.strip():
            raise BadRequest(400, f"text {i} is empty")
        if len(t) > limits.max_chars:
            raise BadRequest(
                413, f"text {i} has {len(t):,} characters; the limit is {limits.max_chars:,}"
            )
    return texts, single


def lineage(model_dir: Path) -> dict[str, Any]:
    """run.json of the run that exported ``model_dir`` (RUN/hf → RUN/run.json), if any."""
    for path in (model_dir / "run.json", model_dir.parent / "run.json"):
        if path.is_file():
            try:
                return {"run_json": str(path.resolve()), **json.loads(path.read_text())}
            except json.JSONDecodeError:
                return {"run_json": str(path.resolve()), "error": "run.json is damaged"}
    return {}


@serve.deployment
class ForageModel:
    def __init__(self, config: ServeConfig) -> None:
        import torch

        torch.set_num_threads(max(1, int(config.cpus_per_replica)))
        self.config = config
        self.predictor = Predictor(config.model, config.task, quantize=config.quantize)
        self.batched.set_max_batch_size(config.max_batch_size)
        self.batched.set_batch_wait_timeout_s(config.batch_wait_s)
        model_dir = Path(config.model).resolve()
        self.info = {
            "model": str(model_dir),
            "task": self.predictor.task,
            "labels": self.predictor.labels,
            "window": self.predictor.window,
            "quantize": config.quantize,
            "max_batch_size": config.max_batch_size,
            "limits": asdict(config.limits),
            "lineage": lineage(model_dir),
        }

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.005)
    async def batched(self, requests: list[list[str]]) -> list[list[dict[str, Any]]]:
        flat = self.predictor.predict([t for texts in requests for t in texts])
        out, start = [], 0
        for texts in requests:
            out.append(flat[start : start + len(texts)])
            start += len(texts)
        return out

    async def __call__(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        path, method = request.url.path.rstrip("/") or "/", request.method
        if path == "/healthz" and method == "GET":
            return JSONResponse({"status": "ok", "task": self.predictor.task})
        if path == "/info" and method == "GET":
            return JSONResponse(self.info)
        if path != "/predict":
            return _error(404, f"no route {path}: POST /predict, GET /healthz, GET /info")
        if method != "POST":
            return _error(405, "use POST /predict")
        try:
            declared = int(request.headers.get("content-length") or 0)
            if declared > self.config.limits.max_body_bytes:
                raise BadRequest(413, f"body of {declared:,} bytes; the limit is "
                                 f"{self.config.limits.max_body_bytes:,}")  # fmt: skip
            texts, single = parse_request(await request.body(), self.config.limits)
        except BadRequest as exc:
            return _error(exc.status, str(exc))
        except ValueError:
            return _error(400, "invalid Content-Length")
        started = time.perf_counter()
        try:
            if self.config.max_batch_size > 1:
                predictions = await self.batched(texts)
            else:
                predictions = self.predictor.predict(texts)
        except Exception as exc:  # a model failure answers 500; the replica keeps serving
            return _error(500, f"inference failed: {type(exc).__name__}: {exc}")
        ms = round((time.perf_counter() - started) * 1000, 2)
        body = predictions[0] if single else {"predictions": predictions}
        return JSONResponse(body, headers={"x-forage-ms": str(ms)})


def _error(status: int, message: str) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message, "status": status}, status_code=status)


def build_app(config: ServeConfig) -> Any:
    # Serve's default of 5 ongoing requests a replica would cap a batch at 5 and send the rest
    # into the router's back-off: let a replica hold two full batches.
    return ForageModel.options(
        num_replicas=config.replicas,
        ray_actor_options={"num_cpus": config.cpus_per_replica},
        max_ongoing_requests=max(64, 2 * config.max_batch_size),
    ).bind(config)


def start(config: ServeConfig, *, host: str = "127.0.0.1", port: int = 8000) -> str:
    """Deploy on the connected Ray; returns the base URL once the replicas answer."""
    # A loopback address serves from the head node only (two proxies of one machine would
    # race for the port); another host gets a proxy on every node.
    proxies = "HeadOnly" if host in ("127.0.0.1", "localhost", "::1") else "EveryNode"
    serve.start(http_options={"host": host, "port": port}, proxy_location=proxies)
    serve.run(build_app(config), name="forage", route_prefix="/", blocking=False)
    return f"http://{host}:{port}"
