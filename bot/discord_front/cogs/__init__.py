"""One feature per module: rounds, boards, question management, server admin."""
