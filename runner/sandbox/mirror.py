"""Where each image the mirror serves comes from: a stand-in, or a real image imported.

Told from what the sandbox knows without asking Docker: the stand-in folders' `tags` files
and the import record in the registry storage, so `sandbox status` stays fast.
"""

from __future__ import annotations

from pathlib import Path

from runner.sandbox import marks, standins

STANDIN, IMPORTED, OTHER = "standin", "imported", "other"


def origins(served: list[str], storage: Path) -> dict[str, str]:
    """`name:tag` -> STANDIN, IMPORTED or OTHER (pushed by hand, say) for each served image."""
    imported, standin_tags = marks.imported(storage), standins.all_tags()
    return {image: IMPORTED if image in imported else STANDIN if image in standin_tags else OTHER
            for image in served}
