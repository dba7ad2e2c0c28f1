"""The shared-strings part (xl/sharedStrings.xml): each distinct text stored once."""

from __future__ import annotations

from .xml import NEEDS_ESCAPE, NEEDS_ESCAPE_CHAR, NS_MAIN, XML_DECL, xl_escape

_SI_BETWEEN = '</t></si><si><t xml:space="preserve">'


class Strings:
    """The shared-string table: each distinct text stored once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, text: str) -> int:
        self.count += 1
        k = self.index.get(text)
        if k is None:
            k = self.index[text] = len(self.index)
        return k

    def xml(self) -> str:
        texts = list(self.index)
        joined = "".join(texts)  # a class alone is searched faster than with the "_x" branch
        if "_x" in joined or NEEDS_ESCAPE_CHAR.search(joined):  # else (usually) none needs escaping
            texts = [xl_escape(t) if NEEDS_ESCAPE.search(t) else t for t in texts]
        items = f'<si><t xml:space="preserve">{_SI_BETWEEN.join(texts)}</t></si>' if texts else ""
        return (f'{XML_DECL}<sst xmlns="{NS_MAIN}" count="{self.count}" '
                f'uniqueCount="{len(self.index)}">{items}</sst>')

