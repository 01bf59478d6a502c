"""labrunner: run hands-on Docker labs step by step and check the real state they leave."""

__version__ = "0.1.0"
