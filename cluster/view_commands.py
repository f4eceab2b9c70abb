"""Looking at results and shipping them: ``forage report`` and ``forage serve``."""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import threading
from pathlib import Path

from pipelines.core.errors import InputError


def add_parsers(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="(re)build PATH/report.html for a corpus, corpus versions or a training run"
    )
    report.add_argument("path", metavar="PATH", help="a corpus, a refreshed corpus, or a RUN")
    report.set_defaults(run=_run_report)

    s = sub.add_parser("serve", help="serve a model directory over HTTP with Ray Serve")
    s.add_argument("--model", required=True, metavar="DIR", help="a transformers model directory")
    s.add_argument("--task", choices=["ner", "classify", "generate"], help="default: from config")
    s.add_argument("--quantize", choices=["dynamic"], help="int8 dynamic quantization (CPU)")
    s.add_argument("--replicas", type=int, default=1, metavar="N")
    s.add_argument("--cpus-per-replica", type=float, default=1, metavar="N")
    s.add_argument("--max-batch-size", type=int, default=32, metavar="N", help="1: no batching")
    s.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: loopback)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument(
        "--address",
        metavar="URL",
        help="the Ray cluster to deploy on (HOST:6379, ray://HOST:10001, auto; default: "
        "$RAY_ADDRESS, else a local Ray)",
    )
    s.add_argument(
        "--detach", action="store_true", help="return once deployed (the app stays on the cluster)"
    )
    s.set_defaults(run=_run_serve)


def _run_report(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_dir():
        raise InputError(f"{path} is not a directory")
    if (path / "catalog.json").is_file():
        from cluster.catalog import read_catalog
        from pipelines.report.versions import write_versions_report

        out = write_versions_report(path, read_catalog(path)["versions"])
    elif (path / "_manifest.json").is_file():
        from pipelines.report.corpus import write_corpus_report

        out = write_corpus_report(path)
    else:
        from training.report import write_training_report

        out = write_training_report(path)
    print(f"report: {out}\nopen:   file://{out.resolve()}")
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from ray import serve

    from pipelines.core.ray_env import ensure_ray
    from training.serve.app import ServeConfig, start
    from training.serve.predictor import Predictor

    if args.address:
        os.environ["RAY_ADDRESS"] = args.address
    config = ServeConfig(
        model=args.model,
        task=Predictor.check(args.model, args.task),
        quantize=args.quantize,
        replicas=args.replicas,
        cpus_per_replica=args.cpus_per_replica,
        max_batch_size=args.max_batch_size,
    )
    ensure_ray(None, log_dir=Path(tempfile.gettempdir()) / "forage-serve")
    url = start(config, host=args.host, port=args.port)
    print(
        f"serving {config.model} ({config.task}) at {url}: POST /predict, GET /healthz, GET /info"
    )
    if args.detach:
        return 0
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    serve.shutdown()
    return 0
