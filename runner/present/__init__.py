"""`labrunner present`: a lab shown to a class on a projector (runner/commands/present.py).

The presenter's pacer (pacer.py) decides when each step and command runs, from the keyboard
(keys.py) or a clock (--pace); the typist (typist.py) types each command out; long paths are
shown through short variables (legend.py). What the screen shows is runner/report/presenter.py.
"""
