"""Ray Jobs from the command line: ``forage submit`` and ``forage jobs list|logs|stop``.

A thin layer over Ray's ``JobSubmissionClient`` that adds what a user of a secured cluster needs:
the token is found the way Ray finds it (``--token-file``, ``RAY_AUTH_TOKEN``,
``RAY_AUTH_TOKEN_PATH``, ``~/.ray/auth_token``) and sent as a bearer header, never printed; a
refused or unreachable cluster is a ForageError that says what to fix.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from cluster.schedule import JobExists
from pipelines.core.errors import ConfigError, ForageError

log = logging.getLogger("forage.jobs")

TERMINAL = ("SUCCEEDED", "FAILED", "STOPPED")
# Never uploaded with the working directory (Ray also skips what .gitignore lists).
UPLOAD_EXCLUDES = [".git", ".venv", ".venv-*", "__pycache__", "*.pyc", "demo-out", "out"]


class ClusterError(ForageError):
    """The Ray cluster cannot be reached, refuses us, or does not know a job."""


def load_token(token_file: str | None = None) -> str | None:
    """The cluster token: ``token_file``, else RAY_AUTH_TOKEN, else the file in
    RAY_AUTH_TOKEN_PATH, else ``~/.ray/auth_token``; None when there is none."""
    if token_file is None and os.environ.get("RAY_AUTH_TOKEN", "").strip():
        return os.environ["RAY_AUTH_TOKEN"].strip()
    path = token_file or os.environ.get("RAY_AUTH_TOKEN_PATH")
    if path is None:
        default = Path.home() / ".ray" / "auth_token"  # Ray's default place
        if not default.is_file():
            return None
        path = str(default)
    try:
        token = Path(path).read_text().strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the token file {path}: {exc.strerror}") from None
    if not token:
        raise ConfigError(f"the token file {path} is empty")
    return token


@dataclass(frozen=True, kw_only=True)
class SubmitOptions:
    """What ``forage submit`` sends besides the command."""

    runtime_env: dict[str, Any]
    submission_id: str | None = None
    num_cpus: float | None = None
    num_gpus: float | None = None
    memory: int | None = None  # bytes


def runtime_env(env_file: str | None, *, upload: bool, working_dir: str = ".") -> dict[str, Any]:
    """The job's runtime_env: the working directory (uploaded) plus what ``env_file`` (YAML or
    JSON) sets; keys of the file win."""
    env: dict[str, Any] = {}
    if upload:
        env = {"working_dir": os.path.abspath(working_dir), "excludes": list(UPLOAD_EXCLUDES)}
    if env_file:
        try:
            loaded = yaml.safe_load(Path(env_file).read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read the runtime env {env_file}: {exc}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{env_file} must hold a mapping (working_dir, pip, env_vars, ...)")
        env.update(loaded)
    return env


# Options whose value is a path: a relative one is made absolute even when it does not exist
# yet (an output) or is a glob.
PATH_OPTIONS = ("--input", "--output", "--corpus", "--data", "--recipe", "--runtime-env")


def entrypoint(command: list[str]) -> str:
    """The shell command of a job. Relative paths are made absolute: the job runs in the
    uploaded copy of the working directory, not here, so ``../data/x`` or ``--corpus out``
    would otherwise point into that copy (an absolute path works when the cluster shares this
    filesystem; on a remote cluster use URLs or a shared volume)."""
    if not command:
        raise ConfigError("give the command to run after --, e.g. -- forage curate --input ...")
    out, option = [], None
    for arg in command:
        key, eq, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
        if key and not eq:  # "--input": the values that follow are its paths
            option = arg
            out.append(arg)
            continue
        opt = key or option
        option = None if key else option  # after --key=value, nothing follows as its value
        recipe_name = opt == "--recipe" and not value.endswith((".yaml", ".yml"))
        is_path = opt in PATH_OPTIONS and not recipe_name
        local = value and not os.path.isabs(value) and "://" not in value
        if local and (is_path or os.path.exists(value)):
            absolute = os.path.abspath(value)
            log.info("%s → %s (the job runs elsewhere)", value, absolute)
            value = absolute
        out.append(f"{key}{eq}{value}")
    return shlex.join(out)


class Jobs:
    """One Ray cluster's job API."""

    def __init__(self, address: str, *, token: str | None = None):
        from ray.job_submission import JobSubmissionClient

        self.address = address
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            self.client = JobSubmissionClient(address, headers=headers)
        except Exception as exc:  # connection refused, 401/403, not a Ray dashboard
            raise ClusterError(self._explain(exc, has_token=bool(token))) from None

    def _explain(self, exc: Exception, *, has_token: bool) -> str:
        text = str(exc)
        # Ray's SDK: "Request failed with status code N: ..." (ids may contain "404" and such)
        refused = any(f"status code {code}" in text for code in (401, 403))
        if refused or "uthenticat" in text or "Unauthorized" in text:
            if not has_token:
                return (
                    f"the Ray cluster at {self.address} requires a token: set RAY_AUTH_TOKEN, "
                    "RAY_AUTH_TOKEN_PATH or --token-file (`ray get-auth-token` on the head prints it)"
                )
            return f"the Ray cluster at {self.address} refused the token (it is not this cluster's)"
        return f"cannot reach the Ray dashboard at {self.address}: {text.splitlines()[0]}"

    def submit(self, command: str, options: SubmitOptions, *, agent_wait_s: float = 60) -> str:
        """Submit the job; a head that has just started answers "No available agent" until its
        job agent is up, so that answer is retried for ``agent_wait_s`` seconds."""
        deadline = time.monotonic() + agent_wait_s
        while True:
            try:
                return self.client.submit_job(
                    entrypoint=command,
                    runtime_env=options.runtime_env or None,
                    submission_id=options.submission_id,
                    entrypoint_num_cpus=options.num_cpus,
                    entrypoint_num_gpus=options.num_gpus,
                    entrypoint_memory=options.memory,
                )
            except Exception as exc:
                if "No available agent" in str(exc) and time.monotonic() < deadline:
                    time.sleep(2)  # nothing was submitted: the agent was not there to take it
                    continue
                if "already exists" in str(exc):
                    message = f"a job with id {options.submission_id} was already submitted"
                    raise JobExists(message) from None
                raise ClusterError(f"submission refused: {str(exc).strip()}") from None

    def status(self, submission_id: str) -> str | None:
        """The job's status, or None when the cluster does not know the id."""
        try:
            return str(self.client.get_job_status(submission_id))
        except Exception as exc:
            if "does not exist" in str(exc) or "status code 404" in str(exc):
                return None
            raise ClusterError(f"cannot get the status of {submission_id}: {exc}") from None

    def info(self, job_id: str) -> Any:
        try:
            return self.client.get_job_info(job_id)
        except Exception as exc:
            raise ClusterError(f"no job {job_id} on {self.address}: {exc}") from None

    def list(self) -> list[Any]:
        try:
            jobs = self.client.list_jobs()
        except Exception as exc:
            raise ClusterError(f"cannot list the jobs of {self.address}: {exc}") from None
        return sorted(jobs, key=lambda j: j.start_time or 0)

    def logs(self, job_id: str) -> str:
        try:
            return self.client.get_job_logs(job_id)
        except Exception as exc:
            raise ClusterError(f"no logs for {job_id}: {exc}") from None

    def stop(self, job_id: str) -> bool:
        self.info(job_id)  # a clear error for an unknown id
        try:
            return self.client.stop_job(job_id)
        except Exception as exc:
            raise ClusterError(f"cannot stop {job_id}: {exc}") from None

    def wait(self, job_id: str, *, follow: bool, out: TextIO = sys.stdout) -> str:
        """Block until the job ends (streaming its logs to ``out`` when ``follow``); its
        final status."""
        if follow:
            asyncio.run(self._tail(job_id, out))
        failures = 0
        while True:
            try:
                status = self.status(job_id)
                failures = 0
            except ClusterError:  # a blip of the head: retry a few times before giving up
                failures += 1
                if failures > 5:
                    raise
                status = "UNKNOWN"
            if status is None:
                raise ClusterError(f"{self.address} no longer knows job {job_id}")
            if status in TERMINAL:
                return status
            time.sleep(1.0)

    async def _tail(self, job_id: str, out: TextIO) -> None:
        try:
            async for lines in self.client.tail_job_logs(job_id):
                out.write(lines)
                out.flush()
        except Exception as exc:  # the stream broke; the status poll still decides the outcome
            log.warning("log stream of %s ended: %s", job_id, exc)


class ScheduledJobs:
    """The scheduler's view of a cluster: submit with a fixed id, ask a job's status."""

    def __init__(self, jobs: Jobs, *, upload: bool):
        self.jobs = jobs
        self.env = runtime_env(None, upload=upload)

    def submit(self, entrypoint: str, *, submission_id: str) -> str:
        options = SubmitOptions(runtime_env=self.env, submission_id=submission_id)
        return self.jobs.submit(entrypoint, options)

    def status(self, submission_id: str) -> str | None:
        return self.jobs.status(submission_id)


def print_jobs(jobs: list[Any], out: TextIO = sys.stdout) -> None:
    """One line per job: id, status, start time, entrypoint."""
    for job in jobs:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime((job.start_time or 0) / 1e3))
        name = job.submission_id or job.job_id
        out.write(f"{name}  {str(job.status):<9}  {started}  {job.entrypoint}\n")
