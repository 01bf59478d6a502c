"""The run shown on the terminal while its plain log goes to a file (`--reporter plain > log`)."""

from __future__ import annotations

from runner.run.events import Event, PromptShown


class UntilGone:
    """Hands events to the terminal's reporter until writing there fails (the window closed):
    from then on the log alone goes on. Prompts are the terminal's own (runner/run/terminal.py
    writes them there itself when stdout is a file)."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.gone = False

    def on_event(self, event: Event) -> None:
        if self.gone or isinstance(event, PromptShown):
            return
        try:
            self.screen.on_event(event)
        except OSError:
            self.gone = True
