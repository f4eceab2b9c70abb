"""Recipes as data: reading recipe YAML and checking typed values from it and from ``--set``,
for stage and training recipes alike."""

from __future__ import annotations

import functools
import operator
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from pipelines.core.errors import ConfigError


def check_type(where: str, value: Any, hint: Any) -> Any:
    """``value`` checked (and where lossless, converted) against a dataclass field's type hint:
    scalars, ``X | None``, ``X | Y``, ``list[X]``, ``dict[K, V]``. YAML gives ints for floats, and strings
    like ``3e-4`` (no dot) for floats; the error names the field and the expected type."""
    args = typing.get_args(hint)
    if type(None) in args:  # X | None
        if value is None:
            return None
        hints = [a for a in args if a is not type(None)]
        hint = hints[0] if len(hints) == 1 else functools.reduce(operator.or_, hints)
        args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):  # X | Y: the first that fits
        errors = []
        for option in args:
            try:
                return check_type(where, value, option)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(" or ".join(errors))
    if typing.get_origin(hint) is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}={value!r} must be a mapping")
        return {
            check_type(f"{where} key", k, args[0]): check_type(f"{where}[{k}]", v, args[1])
            for k, v in value.items()
        }
    if typing.get_origin(hint) is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}={value!r} must be a list")
        return [check_type(f"{where}[{i}]", v, args[0]) for i, v in enumerate(value)]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ConfigError(f"{where}={value!r} must be a number") from None
    if hint in (int, float, str, bool) and not isinstance(value, hint):
        raise ConfigError(f"{where}={value!r} must be of type {hint.__name__}")
    if hint is int and isinstance(value, bool):
        raise ConfigError(f"{where}={value!r} must be of type int")
    return value


def recipe_names(directory: Path) -> list[str]:
    """The recipes shipped in ``directory`` (file names without .yaml)."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def read_recipe_yaml(name_or_path: str | Path, directory: Path, *, what: str, shape: str) -> dict:
    """A recipe file: a path, or a name in ``directory``; a mapping, else a ConfigError naming
    the choices (``what``: "recipe", "training recipe"; ``shape``: what the mapping must hold)."""
    path = Path(name_or_path)
    if not path.is_file():
        path = directory / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(recipe_names(directory))
        raise ConfigError(
            f"Unknown {what} {str(name_or_path)!r}: not a file, and not one of {known}"
        )
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path} must be a mapping with {shape}")
    return data
