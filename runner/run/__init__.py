"""Running a lab: the lab runner, one step, events, pacing, the self-test."""
