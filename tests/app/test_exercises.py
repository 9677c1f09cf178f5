"""Guided exercises: each check passes when its goal is met and not before.

Two layers.  The checks are pure functions, so each is tried just below and
at its goal.  Then the pages themselves: a link opens an exercise, and moving
the page's own controls from the defaults to the goal turns its check from
"not yet" to done, at the numbers its text promises (the echo-state border at
spectral radius 1.23, 2.0 input scaling at radius 1.5, the *Too quiet* swing,
500 digits above 90 %, Mackey-Glass one step ahead).
"""

import pytest

from pages._ui import exercise_content as ex
from pages._ui.exercise_content import BY_KEY, EXERCISES
from pages._ui.exercises import page_exercises
from tests.app.conftest import open_page

TEACHING_PAGES = ("reservoir", "dynamics", "mnist", "timeseries", "liquid")


def test_every_teaching_page_has_two_to_four_exercises_with_unique_link_names():
    for page in TEACHING_PAGES:
        assert 2 <= len(page_exercises(page)) <= 4, page
    assert len(BY_KEY) == len(EXERCISES)
    for exercise in EXERCISES:
        assert exercise.task and exercise.expected and exercise.why, exercise.key


# ----------------------------------------------------------------------------- pure checks

#: key -> (values just short of the goal, values at the goal)
GOALS = {
    "reservoir-edge": ({"spectral_radius": 1.22, "input_scaling": 0.5, "final_distance": 6.2e-4},
                       {"spectral_radius": 1.23, "input_scaling": 0.5, "final_distance": 1.3e-3}),
    "reservoir-input": ({"spectral_radius": 1.5, "input_scaling": 1.5, "final_distance": 0.10},
                        {"spectral_radius": 1.5, "input_scaling": 2.0, "final_distance": 4.2e-4}),
    "dynamics-quiet": ({"state_swing": 0.167}, {"state_swing": 0.0097}),
    "dynamics-capacity": ({"memory_capacity": 28.6, "n_units": 300, "spectral_radius": 1.1},
                          {"memory_capacity": 40.1, "n_units": 300, "spectral_radius": 1.0}),
    "dynamics-chaos": ({"memory_capacity": 24.9, "n_units": 300, "spectral_radius": 0.9},
                       {"memory_capacity": 2.1, "n_units": 300, "spectral_radius": 1.6}),
    "mnist-sample-90": ({"source": "sample", "n_units": 300, "n_train": 4000,
                         "pooling": "mean+last", "test_accuracy": 0.887},
                        {"source": "sample", "n_units": 300, "n_train": 4000,
                         "pooling": "mean+last", "test_accuracy": 0.91}),
    "mnist-last-only": ({"source": "sample", "n_units": 300, "n_train": 4000,
                         "pooling": "mean+last", "test_accuracy": 0.887},
                        {"source": "sample", "n_units": 300, "n_train": 4000,
                         "pooling": "last", "test_accuracy": 0.618}),
    "mnist-few-images": ({"source": "digits", "n_units": 300, "n_train": 1000,
                          "pooling": "mean+last", "test_accuracy": 0.96},
                         {"source": "digits", "n_units": 300, "n_train": 500,
                          "pooling": "mean+last", "test_accuracy": 0.922}),
    "ts-one-step": ({"series": "Mackey-Glass", "horizon": 2, "nrmse": 0.001, "valid_steps": 125},
                    {"series": "Mackey-Glass", "horizon": 1, "nrmse": 0.00067,
                     "valid_steps": 125}),
    "ts-horizon": ({"series": "Lorenz-63", "horizon": 20, "nrmse": 0.0042, "valid_steps": 319},
                   {"series": "Lorenz-63", "horizon": 30, "nrmse": 0.094, "valid_steps": 125}),
    "ts-lorenz": ({"series": "Mackey-Glass", "horizon": 1, "nrmse": 0.00067, "valid_steps": 125},
                  {"series": "Lorenz-63", "horizon": 1, "nrmse": 0.0001, "valid_steps": 105}),
    "liquid-shunting": ({"input": "Sine", "spectral_radius": 0.9,
                         "swing": {"esn": 0.168, "ltc": 0.060, "cfc": 0.074}},
                        {"input": "Sine", "spectral_radius": 1.5,
                         "swing": {"esn": 0.471, "ltc": 0.045, "cfc": 0.246}}),
    "liquid-compare": ({"task": "MNIST sample (2,000 / 1,000)", "comparison": {"esn": 0.9}},
                       {"task": "8×8 digits",
                        "comparison": {"esn": 0.987, "ltc": 0.984, "cfc": 0.982}}),
}


def test_every_exercise_has_a_goal_test():
    assert set(GOALS) == set(BY_KEY)


@pytest.mark.parametrize("key", sorted(GOALS))
def test_a_check_passes_at_its_goal_and_not_before(key):
    before, at_goal = GOALS[key]
    check = BY_KEY[key].check
    assert not check(before).done, check(before).status
    assert check(at_goal).done, check(at_goal).status


@pytest.mark.parametrize("key", ["dynamics-capacity", "dynamics-chaos", "mnist-sample-90",
                                 "ts-one-step", "liquid-compare", "liquid-shunting"])
def test_a_check_without_its_number_says_what_to_do(key):
    check = BY_KEY[key].check({"n_units": 300, "spectral_radius": 0.9, "source": "sample",
                               "input": "Sine"})
    assert not check.done and check.status.startswith("Not yet:")


def test_the_status_quotes_the_pages_own_number():
    status = ex.check_reservoir_edge({"spectral_radius": 1.3, "final_distance": 0.107}).status
    assert "1.30" in status and "0.11" in status


# ----------------------------------------------------------------------------- on the pages

def exercise_box(at):
    """The expander of the page's exercises."""
    (box,) = [e for e in at.expander if e.label.startswith("Exercises")]
    return box


def exercise_status(at):
    """The status alert of the open exercise: (done, text)."""
    box = exercise_box(at)
    if box.success:
        return True, box.success[0].value
    return False, box.info[0].value


def test_a_link_opens_the_exercise_it_names():
    at = open_page("pages/reservoir.py", query={"exercise": "reservoir-edge", "n_units": "300"})
    assert not at.exception
    assert exercise_box(at).proto.expanded
    assert at.segmented_control(key="exercise_reservoir").value == "reservoir-edge"
    assert at.query_params["exercise"] == "reservoir-edge"
    assert "Where the echo stops" in at.markdown[-1].value or any(
        "Raise the **spectral radius**" in m.value for m in at.markdown)


def test_a_link_to_another_pages_exercise_gets_a_sentence():
    at = open_page("pages/reservoir.py", query={"exercise": "mnist-sample-90"})
    assert not at.exception
    assert any("the exercise “mnist\\-sample\\-90”, which is not one of this page" in w.value
               for w in at.warning), [w.value for w in at.warning]


def test_reservoir_edge_passes_at_radius_1_23_and_not_at_1_22():
    at = open_page("pages/reservoir.py", query={"exercise": "reservoir-edge",
                                                "spectral_radius": "1.22"})
    done, text = exercise_status(at)
    assert not done and "1.22" in text
    at.slider(key="spectral_radius").set_value(1.23).run()
    done, text = exercise_status(at)
    assert done and "1.23" in text
    assert at.session_state["exercises_done"] == {"reservoir-edge"}
    assert "1 of 2 done" in exercise_box(at).label


def test_reservoir_input_passes_at_input_2_and_not_at_1_5():
    at = open_page("pages/reservoir.py", query={"exercise": "reservoir-input",
                                                "spectral_radius": "1.5", "input_scaling": "1.5"})
    assert not exercise_status(at)[0]
    at.slider(key="input_scaling").set_value(2.0).run()
    assert exercise_status(at)[0]


def test_dynamics_too_quiet_passes_after_the_preset_and_not_before():
    at = open_page("pages/dynamics.py", query={"exercise": "dynamics-quiet"})
    done, text = exercise_status(at)
    assert not done and "0.167" in text                        # the defaults' swing
    at.button[0].click().run()                                  # Too quiet
    done, text = exercise_status(at)
    assert done and "0.00973" in text


@pytest.mark.timeout(240)
def test_mnist_500_digits_pass_and_1347_digits_do_not_count():
    at = open_page("pages/mnist.py", query={"exercise": "mnist-few-images"})
    done, text = exercise_status(at)
    assert not done and text.startswith("Not yet")
    train = next(b for b in at.button if b.label == "Train")
    train.click().run()
    assert not exercise_status(at)[0]                           # 1,347 images: not the goal
    at.select_slider(key="mnist_n_train").set_value(500).run()
    next(b for b in at.button if b.label == "Train").click().run()
    done, text = exercise_status(at)
    assert done and "92.2%" in text


def test_mackey_glass_one_step_passes_at_the_defaults_and_not_at_horizon_2():
    at = open_page("pages/timeseries.py", query={"exercise": "ts-one-step", "ts_horizon": "2"})
    assert not exercise_status(at)[0]
    at.slider(key="ts_horizon").set_value(1).run()
    done, text = exercise_status(at)
    assert done and "NRMSE 0.00067" in text
