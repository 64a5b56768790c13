"""File names under COACH_HOME, in a module that imports nothing: the start of `coach
chat` reads the SQLite file before LangGraph is imported (agent.storage.profiles)."""

DB_FILE = "coach.sqlite"
