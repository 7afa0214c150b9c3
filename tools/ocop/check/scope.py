"""Which records the cross-record rules must see to judge a few selected files.

`ocop validate --changed-since REF` reports only findings that touch the changed files. Every
cross-record rule but history follows id references (product → producer, certificate → product /
decision / evaluation / supersedes, decision entries → product / certificate), in either direction
through the registry's reverse indexes, so a finding about a changed record depends only on records a
few references away. Those records, and no others, are indexed and checked: a PR that touches one file
costs about the same in a registry of 60,000 files as in one of 600. (History finds records by the
ids of the base tree's files; validate.py runs it on the whole tree.)

How far is far enough: the longest chain a rule reads is 3 steps (a revocation decision → the
certificate it revokes ← the certificate superseding that one → its decision). A finding *at* a
neighbour that names a changed file in `related` sits at most 2 steps away and needs its own 3:
RADIUS = 5. tests/unit/check/test_scope.py runs every rule fixture and hostile case both ways and requires the
same findings (all of them already agree at radius 2; at radius 1 they do not).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Keys whose text value is another record's id, at any depth (as `references` and the other rules read them).
REFERENCE_KEYS = frozenset({"producer", "product", "decision", "evaluation", "supersedes", "certificate"})
RADIUS = 5
Node = tuple[str, tuple[str, ...]]  # (the record's id, the ids it refers to)


def links_of(data: Any) -> tuple[str, ...]:
    """Every id the record refers to, at any depth; iterative (records can be deep)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str):
                    if key in REFERENCE_KEYS:
                        found.add(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, dict | list))
    return tuple(sorted(found))


def neighbourhood(nodes: dict[str, Node] | Graph, seeds: Iterable[str], radius: int = RADIUS) -> set[str]:
    """Files within `radius` references of the seed files, following references both ways; files that
    share an id are neighbours too (ID-DUPLICATE names both)."""
    graph = nodes if isinstance(nodes, Graph) else Graph.of(nodes)
    seen = {rel for rel in seeds if rel in graph}
    frontier = set(seen)
    for _ in range(radius):
        step: set[str] = set()
        for rel in frontier:
            record_id, links = graph.node(rel)
            step.update(graph.files_of(record_id))
            step.update(graph.referrers(record_id))
            for target in links:
                step.update(graph.files_of(target))
        frontier = step - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def _indexes(nodes: dict[str, Node]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """id → files that have it, id → files that refer to it. Written for speed: it runs over every file."""
    files_of: dict[str, list[str]] = {}
    referrers: dict[str, list[str]] = {}
    have, refer = files_of.setdefault, referrers.setdefault
    for rel, (record_id, links) in nodes.items():
        have(record_id, []).append(rel)
        for target in links:
            refer(target, []).append(rel)
    return files_of, referrers


SEP = "\0"  # between the parts of a stored text; a node whose texts hold it is stored as it is


class Graph:
    """Each record file's node and the two reverse indexes (id → files that have it, id → files that refer
    to it) that `neighbourhood` walks. Stored (`text`) as one string per file and per id, split only for the
    files a walk visits: a tenth of the objects to unmarshal that nodes and indexes would be. Files that
    changed since it was stored are laid over it: `gone` ones left out, `extra` ones (their nodes now) added."""

    def __init__(self, text: dict, gone: Iterable[str] = (), extra: dict[str, Node] | None = None) -> None:
        self.nodes_text: dict[str, str] = text["nodes"]
        self.files_text: dict[str, str] = text["files_of"]
        self.referrers_text: dict[str, str] = text["referrers"]
        self.gone = frozenset(gone)
        self.extra = {**text["odd"], **(extra or {})}
        if self.nodes_text:  # a file laid over is left out of the stored indexes
            self.gone |= self.extra.keys()
        self.extra_files_of, self.extra_referrers = _indexes(self.extra)

    @classmethod
    def of(cls, nodes: dict[str, Node]) -> Graph:
        return cls({"nodes": {}, "files_of": {}, "referrers": {}, "odd": {}}, extra=nodes)

    @staticmethod
    def text(nodes: dict[str, Node]) -> dict:
        """The stored form of these nodes (see the class)."""
        plain = {rel: node for rel, node in nodes.items()
                 if SEP not in rel and SEP not in node[0] and not any(SEP in link for link in node[1])}
        files_of, referrers = _indexes(plain)
        return {"nodes": {rel: SEP.join((record_id, *links)) for rel, (record_id, links) in plain.items()},
                "files_of": {key: SEP.join(rels) for key, rels in files_of.items()},
                "referrers": {key: SEP.join(rels) for key, rels in referrers.items()},
                "odd": {rel: node for rel, node in nodes.items() if rel not in plain}}

    def __contains__(self, rel: str) -> bool:
        return rel in self.extra or (rel in self.nodes_text and rel not in self.gone)

    def files(self) -> list[str]:
        return [*(rel for rel in self.nodes_text if rel not in self.gone), *self.extra]

    def node(self, rel: str) -> Node:
        if rel in self.extra:
            return self.extra[rel]
        record_id, *links = self.nodes_text[rel].split(SEP)
        return record_id, tuple(links)

    def files_of(self, record_id: str) -> list[str]:
        return self._stored(self.files_text, record_id) + self.extra_files_of.get(record_id, [])

    def referrers(self, record_id: str) -> list[str]:
        return self._stored(self.referrers_text, record_id) + self.extra_referrers.get(record_id, [])

    def _stored(self, index: dict[str, str], record_id: str) -> list[str]:
        text = index.get(record_id)
        return [rel for rel in text.split(SEP) if rel not in self.gone] if text else []
