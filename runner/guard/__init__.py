"""The engine guard: a socket between a lab's shells and the real Docker engine that forwards
everything, records every call, and holds what would delete, stop, prune or overwrite an
object the run did not create (a prune not allowed is narrowed to the run's own objects:
narrowing.py). `Guard` is the entry point (runner/guard/guard.py); `read_only=True` makes it
refuse every change (a teacher's check of a student's engine).

The same forwarding serves the sandbox's seal (seal.py, seal_server.py): a long-lived
process in front of the sandbox's engine that refuses host networking, swarm mode and
engine sockets mounted into containers, and binds every published port to 127.0.0.1.

Threat model: labs are trusted code, like a Makefile. The guard protects users from mistakes
and from labs written carelessly (any spelling of a command reaches the same API), not from a
lab written to attack them (which could talk to another socket directly).
"""
