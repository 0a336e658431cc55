"""Resolve category cells (a name or a path, in either language) against the category tree. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.catalog.rules import has_cjk, lineage, name_key, slugify, split_path
from catalogue.messages import N_


@dataclass(frozen=True)
class KnownCategory:
    id: int
    slug: str
    name: str | None
    name_zh: str | None
    parent_id: int | None


@dataclass
class NewCategory:
    ref: str  # "new-category:<n>"
    parent: int | str | None  # an existing id, a new category's ref, or None for a top-level one
    name: str | None
    name_zh: str | None
    slug: str
    path: str  # as the organizer will read it in the preview


class CategoryResolver:
    """Finds categories by name or path; plans the ones that do not exist yet."""

    def __init__(self, known: list[KnownCategory]):
        self.nodes: dict[int | str, tuple[int | str | None, set[str], str]] = {}
        for c in known:
            keys = {k for k in (name_key(c.name), name_key(c.name_zh)) if k}
            self.nodes[c.id] = (c.parent_id, keys, c.name or c.name_zh or c.slug)
        self.slugs = {c.slug for c in known}
        self.created: list[NewCategory] = []

    def resolve(self, cell: str) -> tuple[int | str | None, str | None]:
        """The category for a cell, or None and the reason it cannot be used."""
        names = split_path(cell)
        if not names or any(not name_key(n) for n in names):
            return None, N_("'%(cell)s' is not a category name or a path such as '集成电路 > 芯片'", cell=cell)
        if len(names) == 1:
            matches = [ref for ref, (_, keys, _) in self.nodes.items() if name_key(names[0]) in keys]
            if len(matches) > 1:
                paths = " and ".join(f"'{self.path(ref)}'" for ref in matches[:3])
                return None, N_("'%(cell)s' matches %(paths)s; write the full path", cell=cell, paths=paths)
            if matches:
                return matches[0], None
        parent: int | str | None = None
        for depth, name in enumerate(names):
            child = self._child(parent, name)
            if child is None:
                child = self._create(parent, name, names[: depth + 1])
            parent = child
        return parent, None

    def path(self, ref: int | str) -> str:
        refs = lineage(ref, lambda node: self.nodes[node][0] if node in self.nodes else None)
        return " > ".join(self.nodes[node][2] for node in refs if node in self.nodes)

    def _child(self, parent: int | str | None, name: str) -> int | str | None:
        key = name_key(name)
        for ref, (node_parent, keys, _) in self.nodes.items():
            if node_parent == parent and key in keys:
                return ref
        return None

    def _create(self, parent: int | str | None, name: str, path: list[str]) -> str:
        slug, n = slugify(name), 2
        base = slug
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        ref = f"new-category:{len(self.created) + 1}"
        chinese = has_cjk(name)
        self.created.append(
            NewCategory(ref, parent, None if chinese else name, name if chinese else None, slug, " > ".join(path))
        )
        self.nodes[ref] = (parent, {name_key(name)}, name)
        return ref
