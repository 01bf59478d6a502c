"""`labrunner grade-answers`: a student's answers file (the commands for each task, by task
id) run on a throwaway sandbox and graded with the same rules as a run (runner/run/credit.py).

file.py reads and checks the answers file; bash.py runs one task's answer in a
non-interactive bash; pacer.py hands each task its answer; throwaway.py starts and always
removes the sandbox; outputs.py writes the JSON report and the JUnit XML.
"""
