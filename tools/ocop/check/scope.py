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


def neighbourhood(nodes: dict[str, Node], seeds: Iterable[str], radius: int = RADIUS) -> set[str]:
    """Files within `radius` references of the seed files, following references both ways; files that
    share an id are neighbours too (ID-DUPLICATE names both)."""
    files_of, referrers = _indexes(nodes)
    seen = {rel for rel in seeds if rel in nodes}
    frontier = set(seen)
    for _ in range(radius):
        step: set[str] = set()
        for rel in frontier:
            record_id, links = nodes[rel]
            step.update(files_of[record_id])
            step.update(referrers.get(record_id, ()))
            for target in links:
                step.update(files_of.get(target, ()))
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
