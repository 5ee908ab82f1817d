"""The impact pathway as an SVG diagram: one column per level, from ambition to impact, with
arrows from cause to effect. Server-side, so it needs no script and prints well; the page shows
the same content as text next to it (the text alternative)."""

import textwrap
from dataclasses import dataclass

from .constants import Level

BOX_W, BOX_H, COL_GAP, ROW_GAP, TOP = 170, 64, 46, 16, 34
CHARS_PER_LINE = 24


@dataclass
class Box:
    element: object
    x: int
    y: int

    @property
    def lines(self):
        lines = textwrap.wrap(self.element.title, CHARS_PER_LINE) or [""]
        if len(lines) > 3:
            lines = lines[:3]
            lines[-1] = lines[-1][: CHARS_PER_LINE - 1] + "…"
        return lines


def layout(elements, links):
    """Boxes per level column and arrows between them; levels without elements are kept, so the
    reader sees which level the pathway leaves empty."""
    columns = {level.value: [] for level in Level}
    for element in elements:
        columns[element.level].append(element)
    boxes = {}
    for col, level in enumerate(Level):
        for row, element in enumerate(columns[level.value]):
            boxes[element.pk] = Box(element, col * (BOX_W + COL_GAP), TOP + row * (BOX_H + ROW_GAP))
    arrows = []
    for link in links:
        cause, effect = boxes.get(link.cause_id), boxes.get(link.effect_id)
        if cause and effect:
            forward = effect.x > cause.x
            arrows.append({
                "x1": cause.x + BOX_W if forward else cause.x,
                "y1": cause.y + BOX_H // 2,
                "x2": effect.x - 6 if forward else effect.x + BOX_W + 6,
                "y2": effect.y + BOX_H // 2,
            })
    rows = max((len(c) for c in columns.values()), default=0)
    return {
        "headings": [
            {"label": level.label, "x": col * (BOX_W + COL_GAP) + BOX_W // 2}
            for col, level in enumerate(Level)
        ],
        "boxes": list(boxes.values()),
        "arrows": arrows,
        "width": len(Level) * (BOX_W + COL_GAP) - COL_GAP,
        "height": TOP + max(rows, 1) * (BOX_H + ROW_GAP),
        "box_w": BOX_W,
        "box_h": BOX_H,
    }
