"""A parsed YAML file that can say on which line a key or item stands, and the checks all files share."""

from __future__ import annotations

from pathlib import Path

import yaml

from .model import Problem

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: 3x faster


class Source:
    """One YAML file: its data (None when missing or unreadable, each said once in problems) and lines."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.name = str(path.relative_to(root))
        self.data = None
        self._lines: dict[tuple, int] = {}
        try:
            text = path.read_text(encoding="utf-8")
            self.data = yaml.load(text, Loader=_YAML)
            self._index(yaml.compose(text, Loader=_YAML), ())
        except FileNotFoundError:
            problems.append(Problem(self.name, None, "file is missing"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(self.name, mark.line + 1 if mark else None, f"cannot be read: {exc}"))

    def _index(self, node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._lines[path + (key.value,)] = key.start_mark.line + 1
                self._index(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._lines[path + (i,)] = item.start_mark.line + 1
                self._index(item, path + (i,))

    def line(self, *path) -> int | None:
        """The line of the deepest known key along path."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return 1


def read_yaml(path: Path):
    """The data of one YAML file, or None when it cannot be read (its loader reports why)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None


def read_as(value) -> str:
    """What YAML made of a value that should have been text, in an editor's words."""
    if isinstance(value, dict):
        return "a pair of a name and a value (a colon followed by a space does that)"
    if isinstance(value, bool):
        return f"yes-or-no ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else type(value).__name__


class Checker:
    """Gathers the problems of everything read, instead of stopping at the first."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems: list[Problem] = []
        self.sources: dict[str, Source] = {}

    def source(self, *parts: str) -> Source:
        """The file at parts under the root, read once and remembered."""
        src = Source(self.root.joinpath(*parts), self.root, self.problems)
        self.sources[src.name] = src
        return src

    def error(self, src: Source | str, path: tuple, message: str) -> None:
        """A problem that stops the line from starting, at path in src (a file name alone: no line)."""
        self.problems.append(_problem(src, path, message, True))

    def text(self, src: Source, path: tuple, value, what: str) -> str | None:
        """value when it is text; else None, and an error saying how YAML read it and how to quote it."""
        if isinstance(value, str):
            return value
        self.error(src, path, f"{what} is not text: YAML read it as {read_as(value)}. Put it in double "
                              'quotes: "..."')
        return None

    def texts(self, src: Source, path: tuple, values, what: str) -> list[str]:
        """The items of a list that are text, each other item reported (see text())."""
        if values is None:
            return []
        if not isinstance(values, list):
            self.error(src, path, f"{what} must be a list of texts, one per line starting with '- '")
            return []
        return [t for i, v in enumerate(values) if (t := self.text(src, (*path, i), v, what)) is not None]

    def warn(self, src: Source | str, path: tuple, message: str) -> None:
        """A problem the operator should read, at path in src (a file name alone: no line)."""
        self.problems.append(_problem(src, path, message, False))


def _problem(src: Source | str, path: tuple, message: str, error: bool) -> Problem:
    if isinstance(src, str):
        return Problem(src, None, message, error)
    return Problem(src.name, src.line(*path), message, error)
