"""Reading typed values out of a YAML node tree, each error reported on the line it came from.

The text is composed into YAML nodes (not plain Python objects) so that every value keeps the
line it came from. A reader walks the nodes, collects every problem it finds instead of stopping
at the first, and reports each as ``FILE:LINE: path: reason``; the path names the value the way a
reader would look for it, e.g. ``standards[2].requirements[1].core``.

Only the literal ``true``/``false`` count as booleans (YAML 1.1 would also read ``yes``, ``on`` …),
text must be written as text (an unquoted ``2026.10`` is the number 2026.1), and unknown and
duplicate keys are errors.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_TAG = "tag:yaml.org,2002:"


class NodeReader:
    """Reads values from a YAML node tree, checking each, and collects every error with its line.

    A subclass names the fields of its format and builds its data from the values read here.
    """

    def __init__(self, source: str):
        self.source = source
        self._errors: list[tuple[int, int, str]] = []
        # The key node of each mapping value, so a field missing from a nested mapping is
        # reported on the line that names the mapping ("programme:"), not on its first entry.
        self._key_of: dict[int, Node] = {}

    # -- reporting ---------------------------------------------------------------------------
    @property
    def errors(self) -> list[str]:
        return [message for _line, _n, message in self._errors]

    @property
    def error_count(self) -> int:
        return len(self._errors)

    def sorted_errors(self) -> list[str]:
        return [message for _line, _n, message in sorted(self._errors)]

    def error(self, node: Node, path: str, reason: str) -> None:
        line = node.start_mark.line + 1
        self._errors.append((line, len(self._errors), f"{self.source}:{line}: {path or '(file)'}: {reason}"))

    # -- generic values ----------------------------------------------------------------------
    def mapping(
        self, node: Node, path: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """The keys of a mapping; missing, unknown and repeated keys are reported."""
        if not isinstance(node, MappingNode):
            self.error(node, path, f"must be a mapping of fields, not {_describe(node)}")
            return None
        fields: dict[str, Node] = {}
        allowed = set(required) | set(optional)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            key_path = _join(path, str(key))
            if not isinstance(key, str) or key_node.tag != _TAG + "str":
                self.error(key_node, path, f"field names must be words, not {_describe(key_node)}")
            elif key in fields:
                self.error(key_node, key_path, "appears more than once")
            elif key not in allowed:
                self.error(key_node, key_path, f"unknown field (expected one of: {', '.join(sorted(allowed))})")
            else:
                fields[key] = value_node
                self._key_of[id(value_node)] = key_node
        for name in required:
            if name not in fields:
                self.error(self._key_of.get(id(node), node), _join(path, name), "missing field")
        return fields

    def sequence(self, node: Node, path: str, *, non_empty: bool = True) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, path, f"must be a list, not {_describe(node)}")
            return None
        if non_empty and not node.value:
            self.error(node, path, "must not be empty")
        return list(node.value)

    def string(
        self,
        node: Node,
        path: str,
        *,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
        blank: bool = False,
    ) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "str":
            extra = f" ({hint})" if hint else ""
            self.error(node, path, f"must be text, not {_describe(node)}{extra}")
            return None
        value = node.value.strip()
        if not value and not blank:
            self.error(node, path, "must not be empty")
            return None
        if max_length is not None and len(value) > max_length:
            self.error(node, path, f"is longer than {max_length} characters")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(node, path, f"“{value}” is not allowed here{f' ({hint})' if hint else ''}")
            return None
        return value

    def integer(self, node: Node, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != _TAG + "int":
            self.error(node, path, f"must be a whole number, not {_describe(node)}")
            return None
        value = int(_construct(node))
        if minimum is not None and value < minimum:
            self.error(node, path, f"must be at least {minimum}, not {value}")
            return None
        if maximum is not None and value > maximum:
            self.error(node, path, f"must be at most {maximum}, not {value}")
            return None
        return value

    def number(self, node: Node, path: str, *, minimum: float = 0) -> int | float | None:
        if not isinstance(node, ScalarNode) or node.tag not in (_TAG + "int", _TAG + "float"):
            self.error(node, path, f"must be a number, not {_describe(node)}")
            return None
        value = _construct(node)
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
            self.error(node, path, "must be a finite number")
            return None
        if value < minimum:
            self.error(node, path, f"must not be negative, not {value}")
            return None
        return value  # type: ignore[no-any-return]

    def boolean(self, node: Node, path: str) -> bool | None:
        # YAML 1.1 also reads yes/no/on/off as booleans; only the literal words are accepted.
        if isinstance(node, ScalarNode) and node.tag == _TAG + "bool" and node.value in ("true", "false"):
            return node.value == "true"
        self.error(node, path, f"must be true or false, not {_describe(node)}")
        return None

    def date(self, node: Node, path: str) -> datetime.date | None:
        if isinstance(node, ScalarNode) and node.tag == _TAG + "timestamp":
            value = _construct(node)
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                return value
        self.error(node, path, f"must be a date written YYYY-MM-DD, not {_describe(node)}")
        return None

    def strings(self, node: Node, path: str, *, non_empty: bool) -> tuple[str, ...] | None:
        items = self.sequence(node, path, non_empty=non_empty)
        if items is None:
            return None
        values = [self.string(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return tuple(v for v in values if v is not None) if None not in values else None

    def integers(self, node: Node, path: str, *, minimum: int) -> list[int] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        values = [self.integer(item, f"{path}[{i}]", minimum=minimum) for i, item in enumerate(items)]
        if None in values:
            return None
        if len(set(values)) != len(values):
            self.error(node, path, "lists a value more than once")
        return [v for v in values if v is not None]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _construct(node: ScalarNode) -> Any:
    return SafeConstructor().construct_object(node, deep=True)


def _describe(node: Node) -> str:
    """How a value reads in an error message: “the text "yes"”, “a list”, …"""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = node.tag.removeprefix(_TAG)
    names = {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "a yes/no word",
        "null": "empty",
        "timestamp": "a date",
    }
    if kind == "null":
        return "empty"
    return f"{names.get(kind, kind)} “{node.value}”"
