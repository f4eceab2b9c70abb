"""One writer per output directory: concurrent curates, a dead holder's lock, foreign files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.core.errors import ForageError
from pipelines.output.lock import LOCK_FILE, OutputLocked, output_lock
from pipelines.output.shards import ShardStore
from tests.conftest import CC_2020, CC_WET, DOLMA, REPO

INPUTS = [str(CC_2020), str(CC_WET), str(DOLMA)]


def _forage(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cluster.cli", *args],
        cwd=REPO,
        env={**os.environ, "RAY_AUTH_MODE": "disabled"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _holder(directory: Path) -> subprocess.Popen:
    """A process that takes ``directory``'s lock and sleeps (until killed)."""
    code = (
        "import sys, time; from pipelines.output.lock import output_lock\n"
        "with output_lock(sys.argv[1], 'curate'):\n"
        "    print('locked', flush=True); time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(directory)], cwd=REPO, stdout=subprocess.PIPE
    )
    assert proc.stdout.readline().strip() == b"locked"
    return proc


def test_second_holder_fails_at_once_naming_the_first(tmp_path):
    with output_lock(tmp_path / "out", "curate"):
        started = time.monotonic()
        with pytest.raises(OutputLocked) as info, output_lock(tmp_path / "out", "filter"):
            pass
        assert time.monotonic() - started < 1.0
    message = str(info.value)
    assert f"forage curate (pid {os.getpid()} on {socket.gethostname()}, since 20" in message
    with output_lock(tmp_path / "out", "filter"):  # released when the first block ended
        holder = json.loads((tmp_path / "out" / LOCK_FILE).read_text())
        assert holder["command"] == "filter" and holder["pid"] == os.getpid()
    assert (tmp_path / "out" / LOCK_FILE).read_text() == ""  # no holder now


def test_lock_of_a_killed_process_is_taken_over(tmp_path, caplog):
    proc = _holder(tmp_path)
    with pytest.raises(OutputLocked, match=f"pid {proc.pid} "), output_lock(tmp_path, "curate"):
        pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with output_lock(tmp_path, "curate"):  # the OS dropped the dead holder's flock
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()
    assert f"taking over the lock of forage curate (pid {proc.pid}" in caplog.text


def test_two_concurrent_curates_one_writes_the_other_refuses(tmp_path):
    out = tmp_path / "out"
    args = ["curate", "--input", *INPUTS, "--output", str(out), "--recipe", "ingest"]
    first, second = _forage(*args, "--quiet"), _forage(*args, "--quiet")
    outputs = [p.communicate(timeout=300)[0].decode() for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 2], outputs
    refused = outputs[[first.returncode, second.returncode].index(2)]
    assert "is in use by forage curate (pid " in refused and "choose another" in refused
    manifest = json.loads((out / "_manifest.json").read_text())
    assert sorted(i["path"] for i in manifest["inputs"]) == sorted(INPUTS)
    c = manifest["counts"]
    assert c["input"] == c["kept"] + c["rejected"] + c["errors"] == 39


def test_curate_refuses_while_another_process_holds_the_output(tmp_path):
    out = tmp_path / "out"
    proc = _holder(out)
    try:
        refused = _forage("curate", "--input", str(CC_WET), "--output", str(out))
        text = refused.communicate(timeout=120)[0].decode()
    finally:
        proc.kill()
        proc.wait()
    assert refused.returncode == 2
    assert f"forage: error: {out} is in use by forage curate (pid {proc.pid} on " in text
    assert "Traceback" not in text and not (out / "_progress").exists()


def test_foreign_files_in_a_corpus_are_named_and_refused(tmp_path):
    store = ShardStore(tmp_path)
    store.prepare("f")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "part-0123456789ab-000000000.parquet").write_bytes(b"")  # ours
    (tmp_path / "data" / "mine.parquet").write_bytes(b"")
    with pytest.raises(ForageError, match=r"files Forage did not write \(data/mine.parquet\)"):
        store.prepare("f")
    (tmp_path / "data" / "mine.parquet").unlink()
    store.prepare("f")


def test_a_non_empty_directory_is_not_taken_for_a_corpus(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes")
    with pytest.raises(ForageError, match=r"did not write \(notes.txt\)"):
        ShardStore(tmp_path).prepare("f")
    assert not (tmp_path / "_progress").exists()


@pytest.mark.parametrize("blocker", ["file", "readonly"])
def test_an_output_that_cannot_be_created_is_one_line(tmp_path, blocker):
    if blocker == "file":
        (tmp_path / "taken").write_text("")
        output, expected = tmp_path / "taken" / "out", "cannot create output directory"
    else:
        if os.geteuid() == 0:
            output, expected = Path("/proc/forage-out"), "cannot create output directory"
        else:
            (tmp_path / "ro").mkdir(mode=0o500)
            output, expected = tmp_path / "ro" / "out", "cannot create output directory"
    proc = _forage("curate", "--input", str(CC_WET), "--output", str(output))
    text = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 2 and "Traceback" not in text
    assert text.strip().splitlines()[-1].startswith(f"forage: error: {expected} {output}")
