"""The chart kinds reports use, drawn by matplotlib (Agg, no display) and returned as inline
SVG figures (:func:`pipelines.report.html.figure`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pipelines.report.html import figure

KEPT, REJECTED, LINE = "#3c7dd9", "#e8833a", "#b42318"
PALETTE = ["#3c7dd9", "#e8833a", "#4aa564", "#a05fc8", "#d2a53c", "#5bb5c8", "#c8596f", "#7a8699"]


def _figure(width: float = 5.6, height: float = 3.0):  # noqa: ANN202 - a matplotlib pair
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def bars(
    values: Mapping[str, float],
    title: str,
    *,
    horizontal: bool = True,
    color: str = KEPT,
    xlabel: str = "",
    log: bool = False,
) -> str:
    """One bar per key, in the given order (horizontal: the first on top)."""
    if not values:
        return ""
    labels, numbers = list(values), [float(v) for v in values.values()]
    fig, ax = _figure(5.6, max(1.6, 0.28 * len(labels) + 0.9) if horizontal else 3.0)
    if horizontal:
        ax.barh(labels[::-1], numbers[::-1], color=color)
        ax.set_xscale("log" if log else "linear")
        for y, v in enumerate(numbers[::-1]):
            ax.annotate(f"{v:,.0f}", (v, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=7)  # fmt: skip
        ax.set_xlabel(xlabel, fontsize=8)
    else:
        ax.bar(labels, numbers, color=color)
        ax.set_yscale("log" if log else "linear")
        ax.set_ylabel(xlabel, fontsize=8)
        ax.tick_params(axis="x", rotation=30)
    ax.set_title(title, fontsize=10)
    return figure(fig, title)


def stacked(
    categories: Sequence[str], series: Mapping[str, Sequence[float]], title: str, *, ylabel: str
) -> str:
    """Grouped stacks: one column per category, one colour per series (kept / rejected …)."""
    if not categories:
        return ""
    fig, ax = _figure(max(4.0, 0.9 * len(categories) + 2), 3.0)
    bottom = np.zeros(len(categories))
    for (name, values), color in zip(series.items(), PALETTE, strict=False):
        ax.bar(categories, values, bottom=bottom, label=name, color=color)
        bottom += np.asarray(values, dtype=float)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    return figure(fig, title)


def histogram(
    kept: np.ndarray,
    rejected: np.ndarray,
    title: str,
    *,
    thresholds: Sequence[tuple[str, float]] = (),
    log: bool = False,
) -> str:
    """Kept and rejected values of one signal, stacked, with the recipe's thresholds drawn."""
    values = np.concatenate([kept, rejected])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return ""
    fig, ax = _figure(3.6, 2.4)
    low, high = float(values.min()), float(values.max())
    for _, cut in thresholds:
        if np.isfinite(cut) and cut < high * 1.5 + 1:  # a far-away cap would flatten the plot
            low, high = min(low, cut), max(high, cut)
    edges = np.linspace(low, high if high > low else low + 1, 31)
    ax.hist([kept[np.isfinite(kept)], rejected[np.isfinite(rejected)]], bins=edges,
            stacked=True, color=[KEPT, REJECTED], label=["kept", "rejected"])  # fmt: skip
    for name, cut in thresholds:
        if edges[0] <= cut <= edges[-1]:
            ax.axvline(cut, color=LINE, linestyle="--", linewidth=1)
            ax.annotate(name, (cut, 1), xycoords=("data", "axes fraction"), fontsize=6,
                        color=LINE, rotation=90, va="top", ha="right")  # fmt: skip
    if log:
        ax.set_yscale("log")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, frameon=False)
    return figure(fig, title)


def lines(
    series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    title: str,
    *,
    xlabel: str,
    ylabel: str,
    hlines: Mapping[str, float] | None = None,
    markers: Mapping[str, tuple[float, float]] | None = None,
    log: bool = False,
) -> str:
    """Curves (name → (x, y)); optional horizontal reference lines and marked points."""
    series = {k: v for k, v in series.items() if len(v[0])}
    if not series:
        return ""
    fig, ax = _figure(5.6, 3.0)
    for (name, (x, y)), color in zip(series.items(), PALETTE * 8, strict=False):
        ax.plot(x, y, label=name, color=color, linewidth=1.3, marker="o" if len(x) < 12 else None,
                markersize=3)  # fmt: skip
    for name, value in (hlines or {}).items():
        ax.axhline(value, color=LINE, linestyle="--", linewidth=1, label=name)
    for name, (x, y) in (markers or {}).items():
        ax.plot([x], [y], marker="x", color=LINE, markersize=7, linestyle="none")
        ax.annotate(name, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=6)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    if len(series) + len(hlines or {}) <= 10:
        ax.legend(fontsize=7, frameon=False)
    return figure(fig, title)


def errorbars(
    series: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]],
    title: str,
    *,
    xlabel: str,
    ylabel: str,
) -> str:
    """Means with ± one standard deviation (name → (x, mean, std)), joined per series."""
    series = {k: v for k, v in series.items() if len(v[0])}
    if not series:
        return ""
    fig, ax = _figure(5.6, 3.2)
    for (name, (x, y, err)), color in zip(series.items(), PALETTE * 8, strict=False):
        ax.errorbar(x, y, yerr=err, label=name, color=color, linewidth=1.3, marker="o",
                    markersize=3, capsize=3)  # fmt: skip
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    return figure(fig, title)
