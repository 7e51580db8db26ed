"""Report jobs on the worker side: the job list (a projection of ``Report`` events plus the
worker's progress), the actor that builds a document, and the document builders."""
