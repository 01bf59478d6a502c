"""Long paths on a projector: the Docker root (and any other long prefix) shown as a short
variable, `$LR`, defined once on each screen where it is used; what runs is the real command.

At 80 columns `/root/.local/state/labrunner/sandbox/data/overlay2/<64 hex>/diff` alone fills
a line: through `$LR/overlay2/<64 hex>/diff` the command stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SHORTEST_WORTH_IT = 16  # a shorter prefix saves less than its definition line costs


class PathLegend:
    """Named long prefixes, each replaced by `$NAME` in what the screen shows."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest first: a prefix inside another is replaced only where the longer is not.
        self.prefixes = sorted(((name, path.rstrip("/")) for name, path in prefixes.items()
                                if len(path.rstrip("/")) >= SHORTEST_WORTH_IT),
                               key=lambda item: -len(item[1]))
        self.shown: set[str] = set()  # names defined on the current screen

    def new_screen(self) -> None:
        """The screen was cleared: each variable is defined again where it is next used."""
        self.shown.clear()

    def shorten(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """`text` with each prefix replaced by its variable, and the definitions not yet shown
        on this screen (name, path), to show before it."""
        definitions = []
        for name, path in self.prefixes:
            if path not in text:
                continue
            text = replace_prefix(text, path, f"${name}")
            if name not in self.shown:
                self.shown.add(name)
                definitions.append((name, path))
        return text, definitions

    def variables(self) -> dict[str, str]:
        """The variables themselves, for a shell where the trainer types `ls $LR/overlay2`."""
        return {name: path for name, path in self.prefixes}


def replace_prefix(text: str, path: str, variable: str) -> str:
    """Replace `path` where it is a whole path prefix: followed by `/`, a quote, a space or
    the end, never in the middle of a longer folder name."""
    pieces, start = [], 0
    while (found := text.find(path, start)) >= 0:
        end = found + len(path)
        whole = end == len(text) or text[end] in "/'\" \t;:)}"
        pieces.append(text[start:found] + (variable if whole else path))
        start = end
    return "".join(pieces) + text[start:]


def docker_root_legend(docker_root: str, others: Iterable[tuple[str, str]] = ()) -> PathLegend:
    """The legend of a run: the Docker root as `$LR` (labrunner's sandbox keeps it deep under
    ~/.local/state), plus any other (name, prefix)."""
    return PathLegend({"LR": docker_root, **dict(others)})
