"""``forage refresh``: keep a corpus fresh, one version per run, each input curated once.

Layout of a versioned corpus ``DIR``::

    catalog.json        the committed versions: for each, its directory and the inputs it
                        processed (path, size, checksum); replaced atomically, the commit point
    v0001/ v0002/ ...   one curated corpus per version (data/, _manifest.json, ...) plus
                        dedup-index/, the dedup keys of the documents it kept
    .refresh.lock       held (flock) while a refresh runs

A refresh curates only inputs no committed version lists, into the next ``vNNNN``,
deduplicated (exact and MinHash) against the indexes of every earlier version, then adds the
version to the catalog as its last step. Nothing new: a no-op. A crash leaves the catalog as it
was; the next run resumes the same version (or restarts it when the set of new inputs changed).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cluster.catalog import (
    CATALOG,
    InputRecord,
    corpus_lock,
    fingerprint,
    read_catalog,
    sha256_file,
    write_catalog,
)
from pipelines.core.errors import ConfigError, ForageError
from pipelines.dedup.index import SETTINGS, against_indexes
from pipelines.job.recipe import Recipe, StageSpec
from pipelines.job.recipe_set import RecipeSet
from pipelines.output.atomic import write_json
from pipelines.report import report_after_run
from pipelines.stages import build_config

log = logging.getLogger("forage.refresh")

PENDING = "_refresh.json"  # in a version directory until the catalog lists it
INDEX_DIR = "dedup-index"


@dataclass(frozen=True, kw_only=True)
class RefreshResult:
    corpus: Path
    version: str | None  # the new version's directory name; None when there was nothing new
    new_inputs: list[InputRecord]
    skipped_inputs: int  # inputs an earlier version already processed
    counts: dict[str, int]  # the new version's manifest counts
    versions: int  # versions in the catalog now

    def summary(self) -> str:
        if self.version is None:
            return (
                f"nothing new: all {self.skipped_inputs} inputs are in {self.corpus / CATALOG} "
                f"({self.versions} versions)"
            )
        c = self.counts
        return (
            f"{self.corpus / self.version}: {len(self.new_inputs)} new inputs "
            f"({self.skipped_inputs} already processed) · {c.get('input', 0):,} documents in, "
            f"{c.get('kept', 0):,} kept, {c.get('rejected', 0):,} rejected, "
            f"{c.get('errors', 0):,} errors · {self.versions} versions in the catalog"
        )


def refresh(
    inputs: list[str], corpus: str | Path, recipe: Recipe | RecipeSet, *, quiet: bool = False
) -> RefreshResult:
    """Curate the inputs no committed version has processed into a new version of ``corpus``."""
    recipes = recipe if isinstance(recipe, RecipeSet) else RecipeSet.single(recipe)
    root = Path(corpus).resolve()
    root.mkdir(parents=True, exist_ok=True)
    with corpus_lock(root):
        catalog = read_catalog(root)
        records, new = _new_inputs(catalog, inputs, recipes)
        if not new:
            log.info("nothing new in %d inputs", len(records))
            return RefreshResult(corpus=root, version=None, new_inputs=[],
                                 skipped_inputs=len(records), counts={},
                                 versions=len(catalog["versions"]))  # fmt: skip
        name, manifest = _curate_version(root, catalog, new, recipes, quiet)
        return RefreshResult(
            corpus=root,
            version=name,
            new_inputs=new,
            skipped_inputs=len(records) - len(new),
            counts=manifest["counts"],
            versions=len(catalog["versions"]),
        )


def _new_inputs(
    catalog: dict[str, Any], inputs: list[str], recipes: RecipeSet
) -> tuple[list[InputRecord], list[InputRecord]]:
    """Every input's fingerprint (checksums reused for files unchanged since a version read
    them), and those no committed version has processed."""
    from pipelines.inputs.sources import resolve_inputs

    paths = list(dict.fromkeys(s.path for s in resolve_inputs(inputs, recipes.read)))
    known = {
        (i["path"], i["size"], i.get("mtime_ns")): i["checksum"]
        for v in catalog["versions"]
        for i in v["inputs"]
        if i.get("mtime_ns") is not None
    }
    records = [fingerprint(p, recipes.read.storage_options, known) for p in paths]
    seen = {_key(i) for v in catalog["versions"] for i in v["inputs"]}
    return records, [r for r in records if _key(dataclasses.asdict(r)) not in seen]


def _curate_version(
    root: Path, catalog: dict[str, Any], new: list[InputRecord], recipes: RecipeSet, quiet: bool
) -> tuple[str, dict[str, Any]]:
    """Curate ``new`` into the next version, deduplicated against the earlier ones' indexes,
    then commit it: its files reach the disk before the catalog names it."""
    from pipelines.job.curate import curate

    earlier = [_committed_index(root, v) for v in catalog["versions"]]
    number = max((v["version"] for v in catalog["versions"]), default=0) + 1
    name = f"v{number:04d}"
    target = root / name
    index = str(target / INDEX_DIR)
    versioned = recipes.with_recipes(
        {n: with_dedup_index(r, index, earlier) for n, r in recipes.recipes.items()}
    )
    _prepare_version(target, new, versioned.fingerprint())
    result = curate([r.path for r in new], str(target), versioned, quiet=quiet)
    catalog["versions"].append(
        {
            "version": number,
            "dir": name,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "recipe_fingerprint": result.manifest["recipe_fingerprint"],
            "manifest_sha256": sha256_file(Path(result.manifest_path)),
            "counts": result.manifest["counts"],
            "inputs": [dataclasses.asdict(r) for r in new],
        }
    )
    os.sync()  # the version's files reach the disk before the catalog names them
    write_catalog(root, catalog)  # the commit point
    (target / PENDING).unlink()
    report_after_run(root, catalog["versions"])
    return name, result.manifest


def _key(record: dict[str, Any]) -> tuple[str, int, str]:  # mtime alone is no change
    return record["path"], record["size"], record["checksum"]


def _committed_index(root: Path, version: dict[str, Any]) -> str:
    """The dedup index of a committed version; a clear error when the version is gone."""
    index = root / version["dir"] / INDEX_DIR
    if not (index / SETTINGS).is_file():
        raise ForageError(
            f"{CATALOG} lists {version['dir']} but {index} is missing: restore the version "
            "directory, or remove its entry from the catalog"
        )
    (root / version["dir"] / PENDING).unlink(missing_ok=True)  # committed after all
    return str(index)


def _prepare_version(target: Path, new: list[InputRecord], fingerprint: str) -> None:
    """Resume an uncommitted version made for the same inputs and recipe; restart one made
    for others. A directory the catalog does not list and no marker calls uncommitted is never
    deleted."""
    wanted = {"inputs": [dataclasses.asdict(r) for r in new], "recipe_fingerprint": fingerprint}
    pending = target / PENDING
    if target.exists():
        if not pending.is_file():
            raise ForageError(
                f"{target} exists but {CATALOG} does not list it: move it away (or restore "
                "the catalog) before refreshing"
            )
        try:
            same = json.loads(pending.read_text()) == wanted
        except (OSError, json.JSONDecodeError):
            same = False  # a marker cut short by a crash: the version never committed
        if same:
            log.info("resuming the uncommitted %s", target.name)
            return
        log.warning("restarting the uncommitted %s: its inputs or recipe differ", target)
        shutil.rmtree(target)
    target.mkdir(parents=True)
    write_json(pending, wanted)


def with_dedup_index(recipe: Recipe, index: str, against: list[str]) -> Recipe:
    """The recipe with its minhash_dedup stage writing ``index`` and dropping documents found
    in the ``against`` indexes (exact keys are in the index too when exact_dedup runs)."""
    names = [s.name for s in recipe.stages]
    if "minhash_dedup" not in names:
        raise ConfigError(
            "refresh deduplicates each version against the earlier ones: the recipe needs a "
            f"minhash_dedup stage (it has: {', '.join(names)})"
        )
    spec = next(s for s in recipe.stages if s.name == "minhash_dedup")
    if spec.params.get("index"):
        raise ConfigError(
            "refresh writes each version's dedup index itself: remove minhash_dedup.index "
            "from the recipe"
        )
    own = against_indexes(build_config(spec.name, spec.params))  # e.g. an external corpus
    params = {**spec.params, "index": index, "against_index": [*own, *against]}
    stages = tuple(StageSpec(name=s.name, params=params) if s is spec else s for s in recipe.stages)
    return dataclasses.replace(recipe, stages=stages)


def refresh_inputs(args: Any) -> list[str]:
    """The inputs of ``forage refresh``: ``--input`` as given, or what ``--source`` discovers."""
    if bool(args.input) == bool(args.source):
        raise ConfigError("give either --input PATH... or --source commoncrawl|wikipedia")
    if args.input:
        return list(args.input)
    from pipelines.inputs.discovery import commoncrawl, wikipedia

    if args.source == "commoncrawl":
        found = commoncrawl(
            args.crawl,
            kind=args.kind,
            max_files=args.max_files,
            index_url=args.cc_index_url,
            data_url=args.cc_data_url,
        )
    else:
        found = wikipedia(args.wiki, args.dump, base_url=args.wiki_url)
        found = dataclasses.replace(found, inputs=found.inputs[: args.max_files])
    log.info("%s %s: %d files", found.source, found.release, len(found.inputs))
    return list(found.inputs)
