"""Benchmarks for trivia-bot: each one measures ours against a floor or peer in the same run.

Run `python -m bench [--quick] [--only B1,B3]`; see docs/benchmarks.md.
"""
