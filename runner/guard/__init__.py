"""The engine guard: a socket between a lab's shells and the real Docker engine that forwards
everything, records every call, and holds what would delete, stop, prune or overwrite an
object the run did not create. `Guard` is the entry point (runner/guard/guard.py).

Threat model: labs are trusted code, like a Makefile. The guard protects users from mistakes
and from labs written carelessly (any spelling of a command reaches the same API), not from a
lab written to attack them (which could talk to another socket directly).
"""
