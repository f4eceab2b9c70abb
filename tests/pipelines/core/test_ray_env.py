"""Finding a running local head, and Ray's log records in a file instead of on the terminal."""

from __future__ import annotations

import logging
import socket

from pipelines.core.ray_env import local_head, route_ray_logs


def test_a_running_head_is_found_and_a_dead_one_is_not(tmp_path, monkeypatch):
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path))
    assert local_head() is None  # no `ray start` here
    address_file = tmp_path / "ray" / "ray_current_cluster"
    address_file.parent.mkdir()
    with socket.socket() as gcs:
        gcs.bind(("127.0.0.1", 0))
        gcs.listen()
        address = f"127.0.0.1:{gcs.getsockname()[1]}"
        address_file.write_text(address + "\n")
        assert local_head() == address
    assert local_head() is None  # the file a head that died without `ray stop` leaves behind


def test_ray_records_go_to_the_file_of_the_latest_command(tmp_path, capfd):
    first = route_ray_logs(tmp_path / "a" / "_logs")
    logging.getLogger("ray").warning("Token authentication is enabled")
    second = route_ray_logs(tmp_path / "b" / "_logs")
    logging.getLogger("ray.train").warning("a Ray Train notice")
    assert first == tmp_path / "a" / "_logs" / "ray.log"
    assert "Token authentication" in first.read_text() and "Ray Train" not in first.read_text()
    assert "a Ray Train notice" in second.read_text()
    assert capfd.readouterr().err == ""
