"""The README's promises about the project itself: two set-up commands, CI runs the second,
both install the tested version set (constraints.txt)."""

import pathlib
import re

from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL)]


def test_quick_start_has_exactly_two_setup_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[0] == "pip install -r requirements.txt -c constraints.txt && streamlit run app.py"
    assert "pip install -r requirements-dev.txt -c constraints.txt && python -m pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _quick_start_commands()[1] in ci.splitlines()


def test_runtime_requirements_have_lower_bounds():
    names = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert ">=" in line, line
            names.append(re.split(r"[>=<\[]", line)[0].lower())
    for needed in ("streamlit", "numpy", "scipy", "plotly", "scikit-learn", "pandas", "mlxtend"):
        assert needed in names


def _requirement_names(path):
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r"):
            names |= _requirement_names(path.parent / line[2:].strip())
        elif line:
            names.add(re.split(r"[>=<\[ ;]", line)[0].lower().replace("_", "-"))
    return names


def test_constraints_pin_every_requirement_exactly():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[\w.+!-]+", version), f"not an exact pin: {line}"
            pins[name.lower().replace("_", "-")] = version
    needed = set()
    for path in ROOT.glob("requirements*.txt"):
        needed |= _requirement_names(path)
    assert needed - set(pins) == set()


def test_constraints_meet_the_lower_bounds():
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().split()
                if "==" in line)
    for path in ROOT.glob("requirements*.txt"):
        for line in path.read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                requirement = Requirement(line)
                pinned = pins[requirement.name.lower()]
                assert requirement.specifier.contains(pinned), f"{line} vs constraints {pinned}"
