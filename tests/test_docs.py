"""The README and .env.example say what the code has: every setting (as sms.settings declares it), every
command, every module of the layout."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT
from sms.settings import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table_and_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    configuration = README[README.index("## Configuration"):]
    configuration = configuration[:configuration.index("\n## ")]
    rows = dict(re.findall(r"(?m)^\| `([A-Z_]+)` \| ([^|]*) \|", configuration))
    for setting in SETTINGS:
        assert setting.name in rows, f"{setting.name} has no row in the README's configuration table"
        assert re.search(rf"(?m)^#? ?{setting.name}=", example), f"{setting.name} is not in .env.example"
        if isinstance(setting.default, bool | int | float) and setting.default is not None:
            shown = str(int(setting.default)) if isinstance(setting.default, bool) else f"{setting.default:g}"
            assert f"`{shown}`" in rows[setting.name], f"{setting.name}: the README's default is not {shown}"
        assert len(setting.help.split()) >= 4, f"{setting.name} needs a help text"
    names = {s.name for s in SETTINGS}
    assert set(rows) <= names | {"FLASK_DEBUG"}, f"the README documents settings the line lacks: {set(rows) - names}"


def test_every_command_is_in_the_readme():
    usage = subprocess.run([sys.executable, "-m", "sms", "--help"], capture_output=True, text=True, cwd=ROOT,
                           check=True).stdout
    commands = re.search(r"\{([a-z,]+)\}", usage).group(1).split(",")
    assert len(commands) >= 8
    for name in commands:
        assert f"`python -m sms {name}" in README, f"python -m sms {name} is not in the README's commands"


def test_every_module_is_in_the_readme_layout():
    layout = README[README.index("## How the code is laid out"):]
    layout = layout[:layout.index("\n## ")]
    for path in sorted((ROOT / "sms").rglob("*.py")):
        named = path.stem if path.name != "__init__.py" else path.parent.name + "/"
        if path.name == "__init__.py" and path.parent.name == "sms":
            named = "__init__.py"
        assert re.search(rf"(?<![\w/]){re.escape(named)}", layout), f"{path.relative_to(ROOT)} is not in the layout"
    for folder in re.findall(r"(?m)^      ([a-z]+)/ ", layout):
        assert (ROOT / "sms" / folder).is_dir(), f"the layout names sms/{folder}/, which does not exist"
