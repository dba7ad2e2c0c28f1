#!/usr/bin/env python
"""Write the list of every column's aliases into docs/template.md, from schema.COLUMNS (the
one place they live), between the markers <!-- aliases:start --> and <!-- aliases:end -->.

    python scripts/column_aliases.py          # rewrite the block
    python scripts/column_aliases.py --check  # exit 1 when the docs are out of date

tests/test_reader_docs.py runs the check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "template.md"
START, END = "<!-- aliases:start -->", "<!-- aliases:end -->"


def render() -> str:
    """The Markdown table: each read column, its template name, and the other names it goes by."""
    sys.path.insert(0, str(ROOT))
    from followup_xl import schema
    from followup_xl.reader.header import CONTACT_ROLES  # noqa: F401 - the priority the note states

    lines = ["| Column | Also read from headers named |", "|---|---|"]
    for col in schema.INPUT_COLUMNS:
        aliases = sorted(dict.fromkeys(a for a in col.aliases if a != col.header), key=str.casefold)
        lines.append(f"| {col.header} | {', '.join(aliases) if aliases else '(its own name only)'} |")
    return "\n".join(lines)


def updated(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{render()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the docs are up to date")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = updated(text)
    if args.check:
        if new != text:
            print(f"{DOC} lists other aliases than schema.COLUMNS: run python scripts/column_aliases.py",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
