"""Document builders: pure functions from report data to file bytes (no database access)."""
