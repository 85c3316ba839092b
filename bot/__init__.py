"""trivia-bot: a Discord trivia bot whose game runs the same in a terminal."""
