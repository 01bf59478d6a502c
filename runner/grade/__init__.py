"""`labrunner grade`: a class's format-2 reports rolled up per student and per task, with flags
for what does not add up (a hand edit, another lab file, an unattended run, a shared engine,
credit with no engine evidence, impossible times, totals that do not match, duplicates).

Reading: reading.py (files), report.py (typed data), roster.py. Judging: flag.py (the codes),
rules.py, timing.py and consistency.py (one report), classroom.py (students compared, rows),
summary.py (per task). Showing: cells.py (shared), terminal.py, csv_out.py, html_page.py with
html_style.py, junit.py; renderers only read the `Classroom` the judging builds."""
