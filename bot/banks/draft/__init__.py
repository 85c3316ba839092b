"""Draft questions from a plain-text article: every draft carries its own evidence."""
