"""What the guard saw: one `Call` per API request of the run, kept as data (the grading reads
it as evidence of what the student really did to the engine)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Call:
    """One request: when, from which shell, what it asked, what it touched, how it ended."""

    time: float  # seconds since the epoch, when its head arrived
    shell: str  # the socket it came through: "lab" or "student"
    method: str
    endpoint: str  # the path without the API version: /containers/web/stop
    query: str  # the query string, as sent
    action: str = ""  # a held action (policy.Action), "" for the others
    object: str = ""  # the object it named or created (name, id or tags)
    decision: str = "forwarded"  # decision.Decision
    status: int = 0  # the engine's status (403 when the guard refused; 0: no answer)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
