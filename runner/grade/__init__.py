"""`labrunner grade`: a class's format-2 reports rolled up per student and per task, with flags
for what does not add up (a hand edit, another lab file, an unattended run, a shared engine,
credit with no engine evidence, impossible times, totals that do not match, duplicates).

Reading (reading.py, report.py), judging (flags.py, timing.py, consistency.py, classroom.py)
and showing (terminal.py, csv_out.py, html_page.py, junit.py) are apart: renderers only read
the `Classroom` the judging builds."""
