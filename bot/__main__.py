"""`python -m bot` is the same as `trivia-bot`."""

from bot.cli import main

raise SystemExit(main())
