"""flows/<id>.yaml (a flow's structure: questions with numbered answers leading to other nodes, and
results with their contacts) and content/<lang>/flows/<id>.yaml (its words in one language), checked:
every node reachable from the start, no answer leading nowhere, no cycle, every result with a contact,
every language with every node's text and every answer's label (and, if it likes, the whole texts that
answer as well as the numbers: "yes", "si")."""

from __future__ import annotations

from types import MappingProxyType

from ..text import fold
from .model import Flow, FlowText, Node
from .source import Checker

MAX_ANSWERS = 9  # one digit each


def _key(key) -> str:
    """An answer's key as written: YAML reads a bare yes or no as true or false."""
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


def structures(check: Checker, contacts: dict) -> dict[str, Flow]:
    """Every flow under flows/, checked."""
    folder = check.root / "flows"
    found = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        flow = _structure(check, path.stem, contacts)
        if flow:
            found[flow.id] = flow
    return found


def _structure(check: Checker, flow_id: str, contacts: dict) -> Flow | None:
    src = check.source("flows", f"{flow_id}.yaml")
    data = src.data if isinstance(src.data, dict) else {}
    raw = data.get("nodes") if isinstance(data.get("nodes"), dict) else {}
    if not raw:
        check.error(src, ("nodes",), "a flow needs nodes: questions with answers, and results with contacts")
        return None
    nodes = {}
    for node_id, spec in raw.items():
        spec = spec if isinstance(spec, dict) else {}
        answers = spec.get("answers") or {}
        if answers and not isinstance(answers, dict) or len(answers) > MAX_ANSWERS:
            check.error(src, ("nodes", node_id, "answers"), f"answers map each answer to the next node (1 to {MAX_ANSWERS})")
            answers = {}
        for answer, target in answers.items():
            if str(target) not in raw:
                check.error(src, ("nodes", node_id, "answers", answer), f"answer {answer} leads to {target!r}, "
                                                                         "which is no node of this flow")
        given = [str(c) for c in spec.get("contacts") or []]
        for cid in given:
            if cid not in contacts:
                check.error(src, ("nodes", node_id, "contacts"), f"contact {cid!r} is not in content/referrals.yaml")
        if not answers and not given:
            check.error(src, ("nodes", node_id), f"result {node_id} must give at least one contact")
        nodes[str(node_id)] = Node(str(node_id), tuple((_key(a), str(n)) for a, n in answers.items()),
                                   tuple(c for c in given if c in contacts) if not answers else ())
    start = str(data.get("start", ""))
    if start not in nodes:
        check.error(src, ("start",), f"the flow starts at {start!r}, which is no node of it")
        return None
    for node_id in sorted(set(nodes) - _reachable(nodes, start)):
        check.error(src, ("nodes", node_id), f"node {node_id} cannot be reached from {start}")
    if _cycle(nodes, start):
        check.error(src, ("nodes",), "the answers go round in a circle: a texter could never reach a result")
    if not data.get("source"):
        check.warn(src, ("source",), "say where the questions come from (source)")
    return Flow(flow_id, start, MappingProxyType(nodes), str(data.get("source") or "").strip())


def _reachable(nodes: dict, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node in seen or node not in nodes:
            continue
        seen.add(node)
        todo.extend(target for _, target in nodes[node].answers)
    return seen


def _cycle(nodes: dict, start: str) -> bool:
    """True when some answers lead back to a node already on the way."""
    def visit(node: str, path: frozenset) -> bool:
        if node in path:
            return True
        return any(visit(target, path | {node}) for _, target in nodes.get(node, Node(node)).answers)
    return visit(start, frozenset())


def texts(check: Checker, code: str, flows: dict[str, Flow], numbers_known) -> dict[str, FlowText]:
    """Each flow's words in language code, checked against its structure; numbers_known(src, path, text)
    reports numbers the directory does not give."""
    found = {}
    for flow in flows.values():
        src = check.source("content", code, "flows", f"{flow.id}.yaml")
        if src.data is None:  # missing or unreadable: said once
            continue
        data = src.data if isinstance(src.data, dict) else {}
        said = {}
        for key in ("title", "intro"):
            said[key] = (check.text(src, (key,), data.get(key, ""), f"the flow's {key}") or "").strip()
            if not said[key]:
                check.error(src, (key,), f"the flow's {key} is missing")
        labels, words = {_key(k): v for k, v in (data.get("answers") or {}).items()}, data.get("nodes") or {}
        needed = dict.fromkeys(answer for node in flow.nodes.values() for answer, _ in node.answers)
        answers = {a: (check.text(src, ("answers", a), labels.get(a, ""), f"answer {a}") or "").strip() for a in needed}
        nodes = {n: (check.text(src, ("nodes", n), words.get(n, ""), f"node {n}") or "").strip() for n in flow.nodes}
        for where, table in (("answers", answers), ("nodes", nodes)):
            for key, text in table.items():
                if not text:
                    check.error(src, (where, key), f"{where[:-1]} {key} has no text in this language")
                numbers_known(src, (where, key), text)
        words = {}
        for key, listed in {_key(k): v for k, v in (data.get("words") or {}).items()}.items():
            if key not in needed:
                check.error(src, ("words", key), f"{key!r} is no answer of this flow")
            for word in check.texts(src, ("words", key), listed, f"a word for answer {key}"):
                words.setdefault(fold(word), key)
        found[flow.id] = FlowText(said["title"], said["intro"], MappingProxyType(answers), MappingProxyType(nodes),
                                  MappingProxyType(words))
    return found
