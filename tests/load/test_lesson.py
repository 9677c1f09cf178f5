"""The lesson replay (``python -m loadtest.lesson``) reads the pages' own numbers.

One cheap step, the Reservoir page's, runs through the script's own code: the
numbers it reads must be the page's, so they move the way the lesson says
(the runs meet at radius 0.9 and stay apart at 1.3; a strong input makes them
meet again at 1.5).  No assertion is about time.
"""

import json

import pytest

from loadtest import lesson


@pytest.fixture(scope="module")
def reservoir_rows():
    return lesson.play(lesson.STEPS["reservoir"], timeout=120)


def shown(rows, action):
    return next(row["shown"] for row in rows if row["action"] == action)


def test_the_reservoir_step_reads_the_echo_state_check_from_the_page(reservoir_rows):
    start = shown(reservoir_rows, "open reservoir ?exercise=reservoir-edge")
    apart = shown(reservoir_rows, "spectral radius 1.3")
    assert (start["spectral radius"], apart["spectral radius"]) == (0.9, 1.3)
    assert (start["forgets its start"], apart["forgets its start"]) == ("yes", "no")
    assert apart["echo-state distance"] > 1e-3 > start["echo-state distance"]


def test_the_reservoir_step_reads_each_move_after_it_is_made(reservoir_rows):
    assert [row["step"] for row in reservoir_rows] == [2] * 9
    radii = [row["shown"]["spectral radius"] for row in reservoir_rows]
    assert radii == [0.9, 1.1, 1.2, 1.23, 1.3, 1.3, 1.5, 1.5, 1.5]
    harder = shown(reservoir_rows, "spectral radius 1.5")
    driven = shown(reservoir_rows, "input scaling 2")
    assert (harder["input scaling"], driven["input scaling"]) == (0.5, 2.0)
    assert driven["echo-state distance"] < 1e-3 < harder["echo-state distance"]
    assert all(row["seconds"] > 0 for row in reservoir_rows)


def test_main_prints_the_table_and_writes_the_json(tmp_path, capsys):
    path = tmp_path / "lesson.json"
    lesson.main(["--steps", "home", "--json", str(path)])
    out = capsys.readouterr().out
    assert "Cold first page (Home" in out and "| 1 | open home | " in out
    assert "article's claim % 35.8 |" in out
    result = json.loads(path.read_text())
    assert [row["shown"] for row in result["steps"]] == [{"article's claim %": 35.84}]
    assert result["cold_first_page_s"] > 0 and len(result["load_average_at_end"]) == 3


def test_a_timeout_out_of_range_stops_with_one_sentence(capsys):
    with pytest.raises(SystemExit):
        lesson.parse_args(["--timeout", "5"])
    assert "--timeout must be from 10 to 3600 seconds, got 5" in capsys.readouterr().err
