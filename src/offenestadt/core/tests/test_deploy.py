"""What deploy/ ships for a city: an environment template naming every variable the README
documents, and systemd units that systemd accepts. (The proxy configuration and the units'
topology run in `make test-cluster`: deploy/test/cluster.py.)"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_the_environment_template_names_every_documented_variable(
    pytestconfig: pytest.Config,
) -> None:
    root = pytestconfig.rootpath
    readme = (root / "README.md").read_text()
    table = readme.split("### Environment variables", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])
    }
    template = (root / "deploy" / "env.example").read_text()
    named = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", template, re.MULTILINE))
    assert len(documented) > 30
    assert named == documented


def test_systemd_accepts_the_units(pytestconfig: pytest.Config, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    executable = str(Path(sys.executable).with_name("offenestadt"))
    units = sorted((pytestconfig.rootpath / "deploy" / "systemd").iterdir())
    for unit in units:
        # Where a city installs the command, this checkout's; the template as one instance.
        text = unit.read_text().replace("/opt/offenestadt/.venv/bin/offenestadt", executable)
        (tmp_path / unit.name.replace("@.", "@8001.")).write_text(text)
    names = [f"./{path.name}" for path in sorted(tmp_path.iterdir())]
    assert len(names) == 6
    checked = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
