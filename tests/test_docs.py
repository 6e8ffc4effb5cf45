"""The README and .env.example name every setting and every command the line has."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT

import sms


def test_every_setting_is_in_the_readme_table_and_env_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    table = set(re.findall(r"(?m)^\| `([A-Z_]+)`", readme))
    for name in sms.settings.NAMES:
        assert name in table, f"{name} has no row in the README's configuration table"
        assert re.search(rf"(?m)^#? ?{name}=", example), f"{name} is not in .env.example"


def test_every_command_is_in_the_readme():
    usage = subprocess.run([sys.executable, "-m", "sms", "--help"], capture_output=True, text=True, cwd=ROOT,
                           check=True).stdout
    commands = re.search(r"\{([a-z,]+)\}", usage).group(1).split(",")
    assert len(commands) >= 8
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in commands:
        assert f"`python -m sms {name}" in readme, f"python -m sms {name} is not in the README's commands"
