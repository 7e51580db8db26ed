"""The web app: server-rendered pages for people who sign in with e-mail and password.

Pages call the same application services and access helpers as the API (``taolun.platform.
api.access``, the runtime's applications); a page only resolves access and maps errors.
"""
