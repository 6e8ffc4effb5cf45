"""Readable diffs of transcripts (golden transcripts and scenarios)."""

from __future__ import annotations

import difflib


def unified_diff(a: list[str], b: list[str], from_name: str, to_name: str, context: int = 3) -> str:
    """difflib.unified_diff's output, without its "popular line" heuristic (autojunk).

    A transcript repeats its menus and footers many times; with autojunk, difflib ignores those lines
    when aligning and pairs the first welcome with the last, so a one-word edit shows as a whole file
    removed and added again.
    """
    out = [f"--- {from_name}", f"+++ {to_name}"]
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        i1, j1 = group[0][1], group[0][3]
        i2, j2 = group[-1][2], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [f" {line}" for line in a[a1:a2]]
                continue
            out += [f"-{line}" for line in a[a1:a2]]
            out += [f"+{line}" for line in b[b1:b2]]
    return "\n".join(out) + "\n"


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (1-based start, length when not 1)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
