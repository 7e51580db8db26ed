"""Import every taolun.* package and module from an installed wheel (run outside the
source tree): a subpackage missing from pyproject's list is absent from the wheel."""

import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TAOLUN_DATA_DIR", tempfile.mkdtemp(prefix="taolun-wheel-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "taolun.platform.settings"

from taolun.platform.cli import setup_django  # noqa: E402

setup_django()

expected = [line.strip() for line in sys.argv[1].split(",") if line.strip()]
imported = []
for name in expected:
    module = importlib.import_module(name)
    if "site-packages" not in (getattr(module, "__file__", None) or str(list(module.__path__))):
        sys.exit(f"{name} was not imported from the installed wheel: {module}")
    imported.append(name)
    for info in pkgutil.iter_modules(module.__path__ if hasattr(module, "__path__") else []):
        if not info.ispkg:
            importlib.import_module(f"{name}.{info.name}")
            imported.append(f"{name}.{info.name}")

platform_dir = Path(importlib.import_module("taolun.platform").__path__[0])
for data in ("jinja2/taolun/home.html", "locale/en/LC_MESSAGES/django.mo", "sample_plans/city-bureau-plan.txt",
             "sample_plans/district-bureau-plan.docx", "sample_plans/school-plan-gb18030.txt"):
    if not (platform_dir / data).is_file():
        sys.exit(f"package data missing from the wheel: taolun/platform/{data}")
from django.utils import translation  # noqa: E402

with translation.override("en"):  # the compiled catalogues ship in the wheel and load
    if translation.pgettext("error code", "not_found") != "Not found.":
        sys.exit("the English catalogue (taolun/platform/locale/en) is missing from the wheel")
from django.core.management import call_command  # noqa: E402

call_command("migrate", interactive=False, verbosity=0)  # migrations shipped and valid
print(f"wheel check: imported {len(imported)} modules from {len(expected)} packages")
