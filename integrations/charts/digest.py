"""A team digest's chart: the levels by area over the last six weeks, and each area's trend over the weeks.

It draws exactly what the digest's text shows: a withheld figure is a grey "not enough data yet" bar, a
distribution worded "most" is drawn as such, never as 100%. No name and no evidence ever reaches it.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from workflows.digests.team import TeamDigest

COLOURS = ("#d95f02", "#e6ab02", "#66a61e", "#1b9e77", "#7570b3", "#e7298a", "#a6761d", "#666666")
WITHHELD_COLOUR = "#d9d9d9"


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest_chart(digest: TeamDigest) -> bytes:
    """The PNG: left, each look-for's levels over six weeks; right, each area's share at the upper levels."""
    rows = [(area.name, p) for area in digest.areas for p in area.look_fors]
    height = max(3.2, 0.42 * len(rows) + 1.8)
    figure = Figure(figsize=(11, height), dpi=100)
    FigureCanvasAgg(figure)
    levels_ax, trend_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    figure.suptitle(f"{digest.team_name}: walkthroughs, six weeks to {digest.week_of:%d %b %Y}", fontsize=12)
    labels = []
    for y, (_area, picture) in enumerate(reversed(rows)):
        labels.append(_short(picture.text))
        six = picture.six_weeks
        left = 0.0
        if not six.shown or (six.most is None and any(s.share is None for s in six.shares)):
            for level_index, share in enumerate(six.shares if six.shown else ()):
                if share.share is not None:
                    levels_ax.barh(y, share.share, left=left, color=COLOURS[level_index % len(COLOURS)])
                    left += share.share
            levels_ax.barh(y, 1.0 - left, left=left, color=WITHHELD_COLOUR)
            levels_ax.text(left + 0.01, y, "not enough data yet", va="center", fontsize=7)
            continue
        if six.most is not None:
            index = digest.levels.index(six.most)
            levels_ax.barh(y, 1.0, color=COLOURS[index % len(COLOURS)], alpha=0.55, hatch="//")
            levels_ax.text(0.02, y, f"most at {six.most}", va="center", fontsize=7)
            continue
        for level_index, share in enumerate(six.shares):
            levels_ax.barh(y, share.share or 0.0, left=left, color=COLOURS[level_index % len(COLOURS)])
            left += share.share or 0.0
    levels_ax.set_yticks(range(len(labels)), labels, fontsize=7)
    levels_ax.set_xlim(0, 1)
    levels_ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    levels_ax.set_title("Levels of each look-for, last six weeks", fontsize=9)
    handles = [
        levels_ax.bar(0, 0, color=COLOURS[i % len(COLOURS)], label=label) for i, label in enumerate(digest.levels)
    ]
    handles.append(levels_ax.bar(0, 0, color=WITHHELD_COLOUR, label="not enough data yet"))
    levels_ax.legend(handles=handles, fontsize=7, loc="lower right", framealpha=0.8)

    weeks = [f"{w:%d %b}" for w in digest.weeks]
    for i, area in enumerate(digest.areas):
        points = [(x, v) for x, v in enumerate(area.trend) if v is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            trend_ax.plot(xs, ys, marker="o", color=COLOURS[(i + 3) % len(COLOURS)], label=_short(area.name, 28))
    trend_ax.set_xticks(range(len(weeks)), weeks, fontsize=7, rotation=30)
    trend_ax.set_ylim(0, 1)
    trend_ax.yaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    trend_ax.set_title(f"Share at {' or '.join(digest.strong_levels) or 'the upper levels'}, by week", fontsize=9)
    if trend_ax.lines:
        trend_ax.legend(fontsize=7, loc="lower left", framealpha=0.8)
    else:
        trend_ax.text(0.5, 0.5, "not enough data yet", ha="center", va="center", transform=trend_ax.transAxes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
