# Integration tests import Django models at module level, so Django is set up when this
# folder is collected (the root conftest has already chosen the backend's environment).
from taolun.platform.cli import setup_django

setup_django()
