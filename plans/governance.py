"""The governance structure chart: a tree of the partnership's groups drawn from reports_to.

The layout is computed here so the SVG is plain shapes at fixed places: it then looks the same
in every browser, in WeasyPrint and on paper, with no script.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from plans.models import Group

BOX_WIDTH = 190
BOX_GAP = 20
LINE_HEIGHT = 16
BOX_PADDING = 10
LEVEL_GAP = 40
CHARACTERS_PER_LINE = 24
# The stacked chart: each group under the one it reports to, indented a step per level.
STACK_INDENT = 24
STACK_GAP = 12


@dataclass
class ChartNode:
    group: Group
    name: str
    kind: str
    children: list[ChartNode] = field(default_factory=list)
    x: float = 0
    y: float = 0
    height: float = 0
    lines: list[tuple[float, str]] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return self.x + BOX_WIDTH / 2


@dataclass
class ChartEdge:
    path: str


@dataclass
class GovernanceChart:
    roots: list[ChartNode]
    nodes: list[ChartNode]
    edges: list[ChartEdge]
    width: float
    height: float
    # How many CSS pixels one unit of the drawing takes: above 1 in large print, so its labels
    # (13 units) print at 16pt or more.
    scale: float = 1.0
    # The groups it was drawn from, in order, for drawing them again another way.
    groups: list[Group] = field(default_factory=list)

    @property
    def as_parts(self) -> list[GovernanceChart]:
        """The chart as the one part the web page draws."""
        return [self]

    @property
    def display_width(self) -> int:
        return round((self.width + 4) * self.scale)

    @property
    def display_height(self) -> int:
        return round((self.height + 4) * self.scale)


def governance_chart(
    groups: list[Group], *, stacked: bool = False, scale: float = 1.0
) -> GovernanceChart:
    """Lay the groups out top-down, each parent centred over its children.

    A group whose reports_to points outside the list, or into a loop, is drawn as a root so
    that every group appears exactly once whatever the data says.
    """
    nodes = {
        group.pk: ChartNode(group=group, name=group.name, kind=group.get_kind_display())
        for group in groups
    }
    placed: set[int] = set()
    roots: list[ChartNode] = []

    def attach(node: ChartNode) -> None:
        placed.add(node.group.pk)
        for group in groups:
            if group.reports_to_id == node.group.pk and group.pk not in placed:
                child = nodes[group.pk]
                node.children.append(child)
                attach(child)

    for group in groups:
        if group.reports_to_id not in nodes:
            roots.append(nodes[group.pk])
            attach(nodes[group.pk])
    for group in groups:
        if group.pk not in placed:
            roots.append(nodes[group.pk])
            attach(nodes[group.pk])

    for node in nodes.values():
        wrapped = textwrap.wrap(node.name, CHARACTERS_PER_LINE) or [""]
        node.height = BOX_PADDING * 2 + LINE_HEIGHT * len(wrapped)
        node.lines = [
            (BOX_PADDING + LINE_HEIGHT * (i + 0.75), line) for i, line in enumerate(wrapped)
        ]

    level_heights: dict[int, float] = {}

    def measure_levels(node: ChartNode, level: int) -> None:
        level_heights[level] = max(level_heights.get(level, 0), node.height)
        for child in node.children:
            measure_levels(child, level + 1)

    for root in roots:
        measure_levels(root, 0)
    level_tops = {0: 0.0}
    for level in range(1, len(level_heights)):
        level_tops[level] = level_tops[level - 1] + level_heights[level - 1] + LEVEL_GAP

    next_left = 0.0
    edges: list[ChartEdge] = []

    def place(node: ChartNode, level: int) -> None:
        nonlocal next_left
        node.y = level_tops[level]
        if not node.children:
            node.x = next_left
            next_left += BOX_WIDTH + BOX_GAP
            return
        for child in node.children:
            place(child, level + 1)
        node.x = (node.children[0].x + node.children[-1].x) / 2
        bottom = node.y + node.height
        middle = bottom + LEVEL_GAP / 2
        for child in node.children:
            edges.append(
                ChartEdge(
                    path=f"M{node.centre:.0f} {bottom:.0f} V{middle:.0f} "
                    f"H{child.centre:.0f} V{child.y:.0f}"
                )
            )

    for root in roots:
        place(root, 0)
    if stacked:
        return _stacked(roots, nodes, scale, groups)
    width = max(next_left - BOX_GAP, BOX_WIDTH)
    height = max((node.y + node.height for node in nodes.values()), default=0)
    ordered = sorted(nodes.values(), key=lambda node: (node.y, node.x))
    return GovernanceChart(
        roots=roots, nodes=ordered, edges=edges, width=width, height=height, groups=list(groups)
    )


def stacked_parts(chart: GovernanceChart, max_height: float) -> list[GovernanceChart]:
    """A stacked chart cut between groups into parts at most max_height units tall (as
    drawn, before scaling), so each fits a page. A group whose parent is in an earlier part
    has its line drawn from the top of its own part."""
    parts: list[list[ChartNode]] = [[]]
    part_top = 0.0
    for node in chart.nodes:
        if parts[-1] and node.y + node.height - part_top > max_height:
            parts.append([])
            part_top = node.y
        parts[-1].append(node)
    if len(parts) == 1:
        return [chart]
    parent_of = {child.group.pk: node for node in chart.nodes for child in node.children}
    result = []
    for part in parts:
        top = part[0].y
        members = {node.group.pk for node in part}
        moved = [
            ChartNode(
                group=node.group,
                name=node.name,
                kind=node.kind,
                x=node.x,
                y=node.y - top,
                height=node.height,
                lines=node.lines,
            )
            for node in part
        ]
        edges = []
        for node in moved:
            parent = parent_of.get(node.group.pk)
            if parent is None:
                continue
            rail = parent.x + STACK_INDENT / 2
            start = parent.y + parent.height - top if parent.group.pk in members else 0
            middle = node.y + node.height / 2
            edges.append(ChartEdge(path=f"M{rail:.0f} {start:.0f} V{middle:.0f} H{node.x:.0f}"))
        height = max(node.y + node.height for node in moved)
        result.append(
            GovernanceChart(
                roots=chart.roots,
                nodes=moved,
                edges=edges,
                width=chart.width,
                height=height,
                scale=chart.scale,
                groups=chart.groups,
            )
        )
    return result


def _stacked(
    roots: list[ChartNode], nodes: dict, scale: float, groups: list[Group]
) -> GovernanceChart:
    """One group under another, each indented under the group it reports to, with a line
    from that group down its left side: as narrow as a box and a few indents, so it is
    printed at full size on any page instead of shrunk to fit."""
    edges: list[ChartEdge] = []
    top = 0.0
    depth_reached = 0

    def place(node: ChartNode, depth: int) -> None:
        nonlocal top, depth_reached
        depth_reached = max(depth_reached, depth)
        node.x = depth * STACK_INDENT
        node.y = top
        top += node.height + STACK_GAP
        for child in node.children:
            place(child, depth + 1)
            rail = node.x + STACK_INDENT / 2
            middle = child.y + child.height / 2
            edges.append(
                ChartEdge(
                    path=f"M{rail:.0f} {node.y + node.height:.0f} V{middle:.0f} H{child.x:.0f}"
                )
            )

    for root in roots:
        place(root, 0)
    width = BOX_WIDTH + depth_reached * STACK_INDENT
    height = max(top - STACK_GAP, 0)
    ordered = sorted(nodes.values(), key=lambda node: (node.y, node.x))
    return GovernanceChart(
        roots=roots,
        nodes=ordered,
        edges=edges,
        width=width,
        height=height,
        scale=scale,
        groups=list(groups),
    )
