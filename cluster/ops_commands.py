"""The operating commands: ``forage submit``, ``forage jobs``, ``forage refresh``, ``forage schedule``."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from cluster.options import add_recipe_options

ADDRESS_HELP = "the Ray dashboard, e.g. http://HEAD:8265 (default: $RAY_ADDRESS)"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    submit = sub.add_parser(
        "submit", help="run a command as a Ray job on a cluster (uploads this directory)"
    )
    _add_cluster_options(submit)
    submit.add_argument("--wait", action="store_true", help="stream the logs; exit as the job does")
    submit.add_argument("--runtime-env", metavar="FILE", help="YAML/JSON runtime_env to add")
    submit.add_argument("--no-upload", action="store_true", help="do not upload this directory")
    submit.add_argument("--submission-id", metavar="ID", help="a unique id (a rerun is refused)")
    submit.add_argument("--num-cpus", type=float, metavar="N", help="CPUs for the entrypoint")
    submit.add_argument("--num-gpus", type=float, metavar="N", help="GPUs for the entrypoint")
    submit.add_argument("--memory", type=int, metavar="BYTES", help="memory for the entrypoint")
    submit.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    submit.set_defaults(run=_run_submit)

    jobs = sub.add_parser("jobs", help="list, show logs of, or stop Ray jobs")
    actions = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("list", "every job"), ("logs", "a job's logs"), ("stop", "stop a job")):
        action = actions.add_parser(name, help=text)
        _add_cluster_options(action)
        if name != "list":
            action.add_argument("job_id", metavar="ID")
        action.set_defaults(run=_run_jobs)

    _add_refresh(sub)
    _add_schedule(sub)


def _add_cluster_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--address", metavar="URL", help=ADDRESS_HELP)
    p.add_argument("--token-file", metavar="FILE", help="the cluster token (never printed)")


def _add_refresh(sub: argparse._SubParsersAction) -> None:
    refresh = sub.add_parser(
        "refresh", help="curate only new inputs into a new corpus version, deduplicated"
    )
    refresh.add_argument("--corpus", required=True, metavar="DIR", help="the versioned corpus")
    refresh.add_argument("--input", nargs="+", metavar="PATH", help="globs, URLs, listings")
    refresh.add_argument("--source", choices=["commoncrawl", "wikipedia"], help="discover inputs")
    refresh.add_argument("--crawl", default="latest", help="CC-MAIN-YYYY-WW or latest")
    refresh.add_argument("--kind", default="wet", choices=["wet", "warc"], help="crawl files")
    refresh.add_argument("--max-files", type=int, metavar="N", help="the first N listed files")
    refresh.add_argument("--wiki", default="enwiki", help="wiki database name")
    refresh.add_argument("--dump", default="latest", help="YYYYMMDD or latest")
    refresh.add_argument("--cc-index-url", default="https://index.commoncrawl.org")
    refresh.add_argument("--cc-data-url", default="https://data.commoncrawl.org")
    refresh.add_argument("--wiki-url", default="https://dumps.wikimedia.org")
    refresh.add_argument(
        "--recipe",
        default=None,
        metavar="NAME|FILE",
        help="default: per source kind (web, wikipedia)",
    )
    add_recipe_options(refresh)
    refresh.set_defaults(run=_run_refresh)


def _add_schedule(sub: argparse._SubParsersAction) -> None:
    schedule = sub.add_parser(
        "schedule", help="submit a refresh job at every tick of a cron schedule (runs forever)"
    )
    schedule.add_argument("--cron", required=True, help='"MIN HOUR DOM MON DOW" (or seconds first)')
    _add_cluster_options(schedule)
    schedule.add_argument("--no-upload", action="store_true", help="do not upload this directory")
    schedule.add_argument("--max-ticks", type=int, metavar="N", help="stop after N ticks")
    schedule.add_argument("command", nargs=argparse.REMAINDER, help="-- refresh ARGS...")
    # A long-running loop: every decision line carries its time.
    schedule.set_defaults(run=_run_schedule, log_format="%(asctime)s %(name)s: %(message)s")


def _command(args: argparse.Namespace) -> list[str]:
    return args.command[1:] if args.command[:1] == ["--"] else args.command


def _connect(args: argparse.Namespace):
    from cluster.jobs import Jobs, load_token
    from pipelines.core.errors import ConfigError

    address = args.address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ConfigError("give --address http://HEAD:8265 (or set RAY_ADDRESS)")
    return Jobs(address, token=load_token(args.token_file))


def _run_submit(args: argparse.Namespace) -> int:
    from cluster.jobs import SubmitOptions, entrypoint, runtime_env

    logging.getLogger("forage.jobs").setLevel(logging.INFO)
    command = entrypoint(_command(args))
    options = SubmitOptions(
        runtime_env=runtime_env(args.runtime_env, upload=not args.no_upload),
        submission_id=args.submission_id,
        num_cpus=args.num_cpus,
        num_gpus=args.num_gpus,
        memory=args.memory,
    )
    jobs = _connect(args)
    job_id = jobs.submit(command, options)
    print(f"job: {job_id}", flush=True)
    if not args.wait:
        print(f"follow it with: forage jobs logs {job_id} --address {jobs.address}")
        return 0
    try:
        status = jobs.wait(job_id, follow=True)
    except KeyboardInterrupt:
        print(f"\nthe job keeps running; stop it with: forage jobs stop {job_id}", file=sys.stderr)
        return 130
    print(f"job {job_id}: {status}")
    return 0 if status == "SUCCEEDED" else 1


def _run_jobs(args: argparse.Namespace) -> int:
    from cluster.jobs import print_jobs

    jobs = _connect(args)
    if args.action == "list":
        print_jobs(jobs.list())
    elif args.action == "logs":
        sys.stdout.write(jobs.logs(args.job_id))
    else:
        stopped = jobs.stop(args.job_id)
        print(f"{args.job_id}: {'stop requested' if stopped else 'already finished'}")
    return 0


def _run_refresh(args: argparse.Namespace) -> int:
    from cluster.refresh import refresh, refresh_inputs
    from pipelines.job.recipe_set import load_recipes

    if not args.quiet:
        logging.getLogger("forage.refresh").setLevel(logging.INFO)
    inputs = refresh_inputs(args)
    recipes = load_recipes(args.recipe, args.overrides)
    result = refresh(inputs, args.corpus, recipes, quiet=args.quiet)
    print(result.summary())
    return 0


def _run_schedule(args: argparse.Namespace) -> int:
    from cluster.cron import Cron
    from cluster.jobs import ScheduledJobs, entrypoint
    from cluster.schedule import Schedule, run_schedule

    logging.getLogger("forage.schedule").setLevel(logging.INFO)
    command = _command(args)
    if command[:1] != ["forage"]:
        command = ["forage", *command]
    schedule = Schedule(cron=Cron.parse(args.cron), entrypoint=entrypoint(command))
    run_schedule(
        schedule, ScheduledJobs(_connect(args), upload=not args.no_upload), max_ticks=args.max_ticks
    )
    return 0
