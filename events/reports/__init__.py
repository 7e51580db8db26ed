"""Report jobs: a document requested, then generated once (or failed with a reason)."""
