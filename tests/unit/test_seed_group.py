"""The ``seeds`` group: without the real seed plans a run leaves them out and says so in
one line; where they are required (CI) their absence fails the run. Runs pytest itself on
the seed tests (and a few others), with a seeds folder that lacks the plans."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# the seed tests and some that need no seeds: a run of only deselected tests would exit 5
TESTS = ["tests/unit/plan_import/test_seed_plans.py", "tests/unit/plan_import/test_reading_documents.py"]


def run_seed_tests(seeds_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TAOLUN_REQUIRE_SEEDS", "TAOLUN_SEEDS_DIR")}
    # embedded: the inner run must not touch the outer run's PostgreSQL or Redis
    env.update(TAOLUN_SEEDS_DIR=str(seeds_dir), TAOLUN_TEST_BACKEND="embedded", **extra)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", *TESTS], cwd=REPOSITORY, env=env,
                          capture_output=True, text=True, timeout=300)


def test_without_the_seed_plans_the_run_passes_and_says_in_one_line_how_many_did_not_run(tmp_path):
    result = run_seed_tests(tmp_path / "absent")
    assert result.returncode == 0, result.stdout + result.stderr
    notes = [line for line in result.stdout.splitlines() if "seed tests not run" in line]
    assert len(notes) == 1
    assert re.fullmatch(rf"\d+ seed tests not run: no seed plans at TAOLUN_SEEDS_DIR={tmp_path / 'absent'}\.", notes[0])
    assert "skipped" not in result.stdout and "deselected" in result.stdout


def test_a_seeds_folder_missing_a_plan_names_the_missing_files(tmp_path):
    (tmp_path / "yangzhou-city-education-plan.txt").write_text("x", encoding="utf-8")
    result = run_seed_tests(tmp_path)
    assert result.returncode == 0
    assert "seed plans missing in" in result.stdout
    assert "tianjin-vocational-university-plan.txt, yiyang-technical-school-plan.txt" in result.stdout


def test_in_ci_missing_seed_plans_fail_the_run_with_the_reason(tmp_path):
    for flag in ({"CI": "true"}, {"TAOLUN_REQUIRE_SEEDS": "1"}):
        result = run_seed_tests(tmp_path / "absent", **flag)
        assert result.returncode == 4, result.stdout + result.stderr  # pytest's usage error
        assert "seed tests cannot run: no seed plans at" in result.stderr
        assert "required here (CI=true or TAOLUN_REQUIRE_SEEDS=1)" in result.stderr
