"""Where each engine keeps a container's writable layer, its merged view and the image layers.

host_files: reading the engine host's files (this machine, or through a helper container);
layout: the storage driver's folders per engine kind; locate: one container's folders and how
they were found; variables: the lab variables naming them; explain: each driver in words.
"""

from __future__ import annotations


def explain(driver: str, language: str) -> str:
    """What storage driver `driver` does with layers, in `language` (see storage/explain.py)."""
    from runner.storage.explain import explain as text

    return text(driver, language)
