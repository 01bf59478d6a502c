"""The teacher's side: `labrunner check` reads an exercise's end state on a student's engine,
read-only (end_state.py evaluates, check_report.py writes the format-2 report, ssh_tunnel.py
reaches an engine over ssh)."""
