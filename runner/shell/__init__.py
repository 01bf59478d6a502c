"""Bash sessions: the lab's persistent shell and the student's own shell."""
