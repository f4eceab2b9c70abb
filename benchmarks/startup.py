"""Where a small run's fixed cost goes, and the whole-process time of the demo curate.

The figure: ``forage curate`` of the 237-document demo crawl (``forage demo``'s sample, web
recipe, ``--quiet``) as a fresh process, from exec to exit, median of ``--repeats`` runs.
Token auth stays as a user has it (on). Then the breakdown, each part in fresh processes:

- imports: the interpreter alone, the CLI (``forage --help``: must import neither Ray nor
  torch), what ``forage curate`` imports before Ray, and ray / ray.data / torch for scale;
- models: building the web recipe's stages (fastText lid.176 and the rest, as the driver and
  every worker do once) and the first call of the numba dedup kernels in a process;
- Ray: ``ensure_ray`` (a local start, or joining a running head), the first task (a worker
  starts), the first task that imports the stages (a worker's cold start), a one-block Ray
  Data pipeline to its first batch (plan + executor start-up) and ``ray.shutdown``, with the
  Ray processes a local start leaves running and their CPU seconds.

``--head`` also times the curate against a head started beforehand with ``ray start --head``
(in a private temp dir, found the way ``ensure_ray`` finds one: ``$RAY_TMPDIR``).

    .venv/bin/python benchmarks/startup.py [--repeats 5] [--pages 240] [--head] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CURATE_IMPORTS = "pipelines.job.curate, pipelines.job.recipe, pipelines.dedup.job, cluster.summary"
IMPORTS = {  # label -> modules, each timed in a fresh interpreter
    "curate's imports before Ray": CURATE_IMPORTS,
    "import ray": "ray",
    "import ray.data": "ray.data",
    "import torch (training only)": "torch",
}


def probe(name: str, log_dir: str) -> dict:
    """One measurement inside a child process; returns seconds (and facts) as a dict."""
    if name == "cli":
        start = time.perf_counter()
        from cluster.cli import _parser

        _parser()
        heavy = sorted(m for m in ("ray", "torch", "pyarrow") if m in sys.modules)
        return {"s": time.perf_counter() - start, "imported": heavy}
    if name.startswith("import:"):
        start = time.perf_counter()
        for module in name[len("import:") :].split(", "):
            __import__(module)
        return {"s": time.perf_counter() - start}
    if name == "models":
        from pipelines.job.recipe import load_recipe

        start = time.perf_counter()
        load_recipe(None, []).build_stages()
        built = time.perf_counter()
        _kernels()
        return {"stages": built - start, "kernels": time.perf_counter() - built}
    if name == "ray":
        return _ray_phases(log_dir)
    raise SystemExit(f"unknown probe {name!r}")


def _kernels() -> None:
    import pyarrow as pa

    from pipelines.dedup import minhash as M

    M.signatures(*M.shingle_hashes(pa.array(["warm up"]), 5), 8, 1)


def _ray_phases(log_dir: str) -> dict:
    import ray

    from pipelines.core.ray_env import ensure_ray

    out = {}
    start = time.perf_counter()
    ensure_ray(2, log_dir=log_dir)
    out["ensure_ray"], start = time.perf_counter() - start, time.perf_counter()
    ray.get(ray.remote(lambda: None).remote())
    out["first task"], start = time.perf_counter() - start, time.perf_counter()

    def cold() -> None:
        from pipelines.job.recipe import load_recipe

        load_recipe(None, []).build_stages()
        _kernels()

    ray.get([ray.remote(cold).remote() for _ in range(2)])  # both workers, as a job does
    out["stages in the workers"], start = time.perf_counter() - start, time.perf_counter()
    import ray.data

    from pipelines.core.ray_env import quiet_ray_data

    quiet_ray_data()
    out["import ray.data (driver)"], start = time.perf_counter() - start, time.perf_counter()
    next(iter(ray.data.range(1).map_batches(lambda b: b).iter_batches()))
    out["Ray Data to first batch"] = time.perf_counter() - start
    out["processes"] = _census()
    start = time.perf_counter()
    ray.shutdown()
    out["ray.shutdown"] = time.perf_counter() - start
    return out


def _census() -> dict[str, list[float]]:
    """Ray's processes under this one: name -> [count, CPU seconds so far]."""
    import psutil

    found: dict[str, list[float]] = {}
    for p in psutil.Process().children(recursive=True):
        try:
            args = p.cmdline()
            name = p.name() if p.name().startswith("ray::") else Path(args[0]).name
            script = next((Path(a).stem for a in args[1:3] if a.endswith(".py")), None)
            name = "worker" if script == "default_worker" or "IDLE" in name else script or name
            cpu = sum(p.cpu_times()[:2])
        except psutil.Error:
            continue
        count, total = found.get(name, [0, 0.0])
        found[name] = [count + 1, total + cpu]
    return found


def child(name: str, env: dict[str, str], log_dir: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--probe", name, "--log-dir", log_dir],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"probe {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def whole_curate(sample: Path, work: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of ``forage curate --quiet`` from exec to exit, and CPU seconds of the
    process and the children it waited for (Ray's processes; workers mostly not)."""
    out = work / f"out-{time.monotonic_ns()}"
    before = os.times()
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "cluster.cli", "curate", "--input", str(sample)]
    done = subprocess.run(
        [*cmd, "--output", str(out), "--quiet"], cwd=REPO, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode or not (out / "_manifest.json").is_file():
        raise RuntimeError(f"forage curate failed:\n{done.stderr[-3000:]}")
    shutil.rmtree(out)
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def start_head(root: Path, env: dict[str, str]) -> subprocess.Popen:
    """``ray start --head --block`` with its temp dir under ``$RAY_TMPDIR`` (= ``root``)."""
    ray_bin = Path(sys.executable).parent / "ray"
    args = ["start", "--head", "--block", "--port", "0", "--num-cpus", "2"]
    args += ["--include-dashboard", "false", "--disable-usage-stats"]
    head = subprocess.Popen(
        [str(ray_bin), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    address_file = root / "ray" / "ray_current_cluster"
    deadline = time.monotonic() + 120
    while not address_file.is_file() and time.monotonic() < deadline and head.poll() is None:
        time.sleep(0.5)
    if not address_file.is_file():
        head.kill()
        raise RuntimeError("ray start --head did not come up")
    return head


def stop_head(head: subprocess.Popen) -> None:
    head.send_signal(signal.SIGTERM)  # --block stops the head's processes on SIGTERM
    try:
        head.wait(timeout=60)
    except subprocess.TimeoutExpired:
        head.kill()


def med(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f}  ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--pages", type=int, default=240, help="pages in the demo crawl (237 docs)")
    p.add_argument("--head", action="store_true", help="also time against a running head")
    p.add_argument("--json", metavar="FILE", help="write every measurement here")
    p.add_argument("--probe", help=argparse.SUPPRESS)
    p.add_argument("--log-dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe, args.log_dir)))
        return

    from cluster.demo import write_sample_crawl

    work = Path(tempfile.mkdtemp(prefix="fs", dir="/tmp"))
    sample = work / "demo-crawl.warc.gz"
    stats = write_sample_crawl(sample, pages=args.pages, seed=0)
    env = {**os.environ}
    log_dir = str(work / "_logs")
    results: dict[str, list] = {}

    def record(key: str, value) -> None:
        results.setdefault(key, []).append(value)

    whole_curate(sample, work, env)  # page cache, numba cache: every run below is alike
    for _ in range(args.repeats):
        wall, cpu = whole_curate(sample, work, env)
        record("curate wall", wall)
        record("curate cpu", cpu)
        record("interpreter", child("import:sys", env, log_dir)["s"])
        cli = child("cli", env, log_dir)
        record("CLI import (forage --help)", cli["s"])
        record("cli imported", cli["imported"])
        for label, modules in IMPORTS.items():
            record(label, child(f"import:{modules}", env, log_dir)["s"])
        models = child("models", env, log_dir)
        record("build the web recipe's stages", models["stages"])
        record("numba kernels, first call", models["kernels"])
        for key, value in child("ray", env, log_dir).items():
            record(key, value)
    if args.head:
        root = Path(tempfile.mkdtemp(prefix="fh", dir="/tmp"))
        head_env = {**env, "RAY_TMPDIR": str(root)}
        head = start_head(root, head_env)
        try:
            whole_curate(sample, work, head_env)
            for _ in range(args.repeats):
                wall, _ = whole_curate(sample, work, head_env)
                record("curate wall, running head", wall)
                record("ensure_ray, running head", child("ray", head_env, log_dir)["ensure_ray"])
        finally:
            stop_head(head)
            shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    report(results, stats, args)


def report(results: dict[str, list], stats, args: argparse.Namespace) -> None:
    print(f"forage curate, {stats.pages}-response demo crawl, web recipe, --quiet, as a process")
    print(f"  whole process, s   {med(results['curate wall'])}   ← the figure")
    print(f"  CPU s (waited-for) {med(results['curate cpu'])}")
    if "curate wall, running head" in results:
        print(f"  with a running head {med(results['curate wall, running head'])}")
    print(f"\nbreakdown, median (min–max) of {args.repeats} fresh processes, seconds")
    skip = {"curate wall", "curate cpu", "cli imported", "processes", "curate wall, running head"}
    for key, values in results.items():
        if key not in skip:
            print(f"  {key:<38}{med(values)}")
    print(
        f"  the CLI imported: {', '.join(results['cli imported'][0]) or 'none of ray/torch/pyarrow'}"
    )
    procs = results["processes"][-1]
    shown = ", ".join(f"{n}×{int(c)} {cpu:.1f}s" for n, (c, cpu) in sorted(procs.items()))
    print(f"  Ray's processes (count, CPU s at the end): {shown}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
