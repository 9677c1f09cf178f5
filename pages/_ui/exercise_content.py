"""Guided exercises: on each teaching page, "try this → you should see that → why", checked.

Each :class:`Exercise` has a *check*: a pure function of values its page has
already computed (the echo-state distance, the last run's accuracy …), which
returns a :class:`Check` (done or not, and a sentence with the page's own
number).  :func:`pages._ui.exercises.exercises_ui` draws a page's exercises in one expander; the
open exercise lives in the URL (``?exercise=reservoir-edge``), so a teacher
can hand out a link that opens it, and the exercises done are kept in the
session (``st.session_state["exercises_done"]``).

Every number in "what you should see" was measured with the page's defaults
(seed 0) by the page's own calls; see the README's lesson plan.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """The outcome of an exercise's check: ``done``, and what the page's values say now."""

    done: bool
    status: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of one page.

    Attributes
    ----------
    key : str
        Its name in the URL (``exercise=<key>``), unique over every page.
    page : str
        The page's url path (``"reservoir"`` …).
    title, task, expected, why : str
        The title, what to try, what you should see, and why (Markdown, the app's own text).
    check : callable
        ``check(values) -> Check``; ``values`` is the dict the page passes to
        :func:`exercises_ui`, a missing value means "not computed yet".
    """

    key: str
    page: str
    title: str
    task: str
    expected: str
    why: str
    check: Callable[[dict], Check]


def _missing(what):
    return Check(False, f"Not yet: {what}.")


# ----------------------------------------------------------------------------- checks

#: The echo-state check's threshold (pages/reservoir.py): the runs "meet" below it.
MEET = 1e-3


def check_reservoir_edge(values):
    """Done when the runs stay apart (distance ≥ 1e-3) at a spectral radius of at most 1.3."""
    radius, distance = values["spectral_radius"], values["final_distance"]
    done = distance >= MEET and radius <= 1.3
    return Check(done, f"At spectral radius {radius:.2f} the runs end {distance:.2g} apart "
                       f"({'apart' if distance >= MEET else 'met'}; goal: apart, radius ≤ 1.3).")


def check_reservoir_input(values):
    """Done when the runs meet again (distance < 1e-3) at a spectral radius of at least 1.5."""
    radius, distance = values["spectral_radius"], values["final_distance"]
    done = distance < MEET and radius >= 1.5
    return Check(done, f"At spectral radius {radius:.2f} and input scaling "
                       f"{values['input_scaling']:g} the runs end {distance:.2g} apart "
                       "(goal: below 0.001 with radius ≥ 1.5).")


def check_dynamics_quiet(values):
    """Done when the neurons barely move: median state swing below 0.02."""
    swing = values["state_swing"]
    return Check(swing < 0.02, f"Median swing of the neurons: {swing:.3g} (goal: below 0.02).")


def check_dynamics_capacity(values):
    """Done when a measured memory capacity reaches 35 with at most 300 neurons."""
    total = values.get("memory_capacity")
    if total is None:
        return _missing("press *Measure memory capacity* on the Memory capacity tab")
    done = total >= 35 and values["n_units"] <= 300
    return Check(done, f"Memory capacity {total:.1f} with {values['n_units']:,} neurons "
                       "(goal: ≥ 35 with ≤ 300).")


def check_dynamics_chaos(values):
    """Done when a measured memory capacity is below 3 at a spectral radius above 1."""
    total = values.get("memory_capacity")
    if total is None:
        return _missing("press *Measure memory capacity* on the Memory capacity tab")
    done = total < 3 and values["spectral_radius"] > 1
    return Check(done, f"Memory capacity {total:.1f} at spectral radius "
                       f"{values['spectral_radius']:.2f} (goal: below 3, radius above 1).")


def check_mnist_sample(values):
    """Done when a model trained on the MNIST sample with ≤ 300 neurons tests at ≥ 90 %."""
    accuracy = values.get("test_accuracy")
    if accuracy is None:
        return _missing("press **Train**")
    done = values["source"] == "sample" and values["n_units"] <= 300 and accuracy >= 0.9
    return Check(done, f"Test accuracy {accuracy:.1%} on {values['source']} with "
                       f"{values['n_units']:,} neurons (goal: ≥ 90 % on the MNIST sample, "
                       "≤ 300 neurons).")


def check_mnist_few_images(values):
    """Done when 500 training 8×8 digits give at least 90 % test accuracy."""
    accuracy = values.get("test_accuracy")
    if accuracy is None:
        return _missing("press **Train**")
    done = values["source"] == "digits" and values["n_train"] <= 500 and accuracy >= 0.9
    return Check(done, f"Test accuracy {accuracy:.1%} from {values['n_train']:,} training "
                       f"images of {values['source']} (goal: ≥ 90 % from ≤ 500 8×8 digits).")


def check_mnist_last_only(values):
    """Done when the MNIST sample with pooling "last" tests below 70 %."""
    accuracy = values.get("test_accuracy")
    if accuracy is None:
        return _missing("press **Train**")
    done = values["source"] == "sample" and values["pooling"] == "last" and accuracy < 0.7
    return Check(done, f"Test accuracy {accuracy:.1%} on {values['source']} with pooling "
                       f"{values['pooling']} (goal: below 70 % on the MNIST sample, pooling last).")


def check_ts_one_step(values):
    """Done when Mackey-Glass one step ahead scores an NRMSE below 0.01."""
    score = values.get("nrmse")
    if score is None:
        return _missing("choose a built-in series")
    done = values["series"] == "Mackey-Glass" and values["horizon"] == 1 and score < 0.01
    return Check(done, f"NRMSE {score:.3g} on {values['series']}, h = {values['horizon']} "
                       "(goal: below 0.01 on Mackey-Glass, h = 1).")


def check_ts_horizon(values):
    """Done when Lorenz-63 at a horizon of at least 30 scores an NRMSE above 0.05."""
    score = values.get("nrmse")
    if score is None:
        return _missing("choose a built-in series")
    done = values["series"] == "Lorenz-63" and values["horizon"] >= 30 and score > 0.05
    return Check(done, f"NRMSE {score:.3g} on {values['series']}, h = {values['horizon']} "
                       "(goal: above 0.05 on Lorenz-63 with h ≥ 30).")


def check_ts_valid_time(values):
    """Done when the free-running Lorenz-63 model stays valid for at least 50 steps."""
    steps = values.get("valid_steps")
    if steps is None:
        return _missing("choose a built-in series whose target is an input")
    done = values["series"] == "Lorenz-63" and steps >= 50
    return Check(done, f"Valid time {steps} steps on {values['series']} (goal: ≥ 50 on "
                       "Lorenz-63).")


def check_liquid_shunting(values):
    """Done when, on the Sine input at radius ≥ 1.5, the LTC swings under a fifth of the ESN."""
    swing = values.get("swing")
    if swing is None:
        return _missing("the trajectories are not drawn")
    done = (values["input"] == "Sine" and values["spectral_radius"] >= 1.5
            and swing["ltc"] < swing["esn"] / 5)
    return Check(done, f"Swing on {values['input']} at spectral radius "
                       f"{values['spectral_radius']:.2f}: ESN {swing['esn']:.3g}, LTC "
                       f"{swing['ltc']:.3g} (goal: Sine, radius ≥ 1.5, LTC under a fifth of "
                       "the ESN).")


def check_liquid_compare(values):
    """Done when the three neurons were compared on the 8×8 digits."""
    scores = values.get("comparison")
    if scores is None or values.get("task") != "8×8 digits":
        return _missing("compare the three neurons on the 8×8 digits")
    return Check(True, "Test accuracy: " + ", ".join(f"{cell.upper()} {score:.1%}"
                                                     for cell, score in scores.items()) + ".")


# ----------------------------------------------------------------------------- content

EXERCISES = (
    Exercise("reservoir-edge", "reservoir", "Where the echo stops",
             "Raise the **spectral radius** from 0.9, a step at a time, until *Forgets its "
             "start* says **no**.",
             "At the defaults the two runs still meet at radius 1.0, 1.1 and 1.2 (after 200 "
             "steps 1e-7 to 1.5e-4 apart); from **1.23** on they stay apart (0.0013 at 1.23, "
             "0.11 at 1.3).",
             "A radius below 1 is sufficient for a linear network, not the border for this "
             "one: the tanh saturates and the input pushes the neurons into it, which damps "
             "the state.  The border is where that damping no longer wins.",
             check_reservoir_edge),
    Exercise("reservoir-input", "reservoir", "Drive it harder",
             "Set the spectral radius to **1.5** (the runs stay apart), then raise the **input "
             "scaling** until they meet again.",
             "At radius 1.5 the runs end 0.61 apart with input scaling 0.5, 0.10 apart at 1.5, "
             "and meet from **2.0** on (4e-4).",
             "A strong input drives the neurons into the flat parts of the tanh, where the "
             "feedback through W counts less: the input itself makes the network forget.",
             check_reservoir_input),
    Exercise("dynamics-quiet", "dynamics", "A reservoir too quiet",
             "Press **Too quiet** and look at *Trajectories* and the *State heatmap*.",
             "The neurons barely move: the median swing (std over time) falls from 0.17 at the "
             "defaults to **0.0097**.",
             "Radius 0.2 and input scaling 0.05: every neuron is a small, nearly linear echo of "
             "the input that dies within a few steps; there is little for a readout to use.",
             check_dynamics_quiet),
    Exercise("dynamics-capacity", "dynamics", "Remember more",
             "On *Memory capacity*, measure at the defaults, then find settings with a memory "
             "capacity of **35 or more** with at most 300 neurons: move the spectral radius "
             "and the input scaling.",
             "24.9 at the defaults; 28.1 at radius 1.0, 28.6 at 1.1, but 25.8 at 1.2 and 21.8 "
             "at the *Edge of chaos* (1.27). At radius 1.0 with input scaling **0.1**: 40.1.",
             "Memory capacity adds up how well a linear readout recovers the input of k steps "
             "ago, for every k.  A weak input keeps the tanh neurons in their linear range, "
             "where past inputs add up instead of being squashed; the edge of chaos is not "
             "where memory peaks.",
             check_dynamics_capacity),
    Exercise("dynamics-chaos", "dynamics", "Chaos forgets the input",
             "Press **Chaotic**, then measure the memory capacity.",
             "It drops to **2.1** (24.9 at the defaults, 9.9 with *Too quiet*).",
             "Above the edge the state churns on its own: what it holds depends on its own "
             "past more than on the input's, so the readout can no longer recover the input.",
             check_dynamics_chaos),
    Exercise("mnist-sample-90", "mnist", "90 % with 300 neurons",
             "Choose **MNIST sample**, keep 300 neurons or fewer, and beat **90 %** test "
             "accuracy (try the pooling and *Also read bottom-up*).",
             "The defaults give 88.7 % (4,000 training images); *Also read bottom-up* lifts "
             "it to **91.0 %** (mean+last), 90.8 % with *points* pooling.",
             "The readout only sees the pooled states: reading the image both ways gives it "
             "the rows at the top of the image as fresh as those at the bottom.",
             check_mnist_sample),
    Exercise("mnist-last-only", "mnist", "What the last row forgets",
             "On the **MNIST sample**, set *Pooling* to **last** and train.",
             "Test accuracy falls from 88.7 % (mean+last) to **61.8 %**.",
             "With *last* the readout sees only the state after the bottom row; by then the "
             "reservoir has mostly forgotten the top of the digit. Pooling over the rows "
             "(the mean, or a few sampled rows) keeps it.",
             check_mnist_last_only),
    Exercise("mnist-few-images", "mnist", "Few images, good digits",
             "Choose the **8×8 digits**, set *Training images* to **500**, press **Train**.",
             "92.2 % test accuracy from 500 images (98.7 % from all 1,347).",
             "Only the linear readout learns, from one least-squares solve: it needs few "
             "examples per class, where a network trained end to end needs many.",
             check_mnist_few_images),
    Exercise("ts-one-step", "timeseries", "One step ahead",
             "Keep **Mackey-Glass** and horizon 1: read the test NRMSE.",
             "An NRMSE of **0.00067** at the defaults: the forecast lies on the truth.",
             "One step ahead the series barely changes, and the reservoir's state holds its "
             "recent past: a linear readout of it extrapolates well.",
             check_ts_one_step),
    Exercise("ts-horizon", "timeseries", "Further ahead",
             "Choose **Lorenz-63** and raise the **horizon** from 1 to 30.",
             "The NRMSE grows from 0.0001 (h = 1) to 0.00026 (h = 10), 0.0042 (h = 20) and "
             "**0.094** (h = 30).",
             "The further ahead, the more the future depends on what the state has already "
             "forgotten, and on chaos amplifying small errors.",
             check_ts_horizon),
    Exercise("ts-lorenz", "timeseries", "Let it run on its own",
             "Choose **Lorenz-63** and read the *Valid time* of the closed-loop generator.",
             "At the defaults it follows the true trajectory for **105 steps** before its "
             "error passes 0.2 of the spread.",
             "Fed its own output, the model is a dynamical system of its own; on a chaotic "
             "system any error grows exponentially, so the valid time is finite.",
             check_ts_valid_time),
    Exercise("liquid-shunting", "liquid", "More feedback, less swing",
             "With the **Sine** input, raise the **spectral radius** from 0.9 to **1.5** and "
             "read the swings in the caption under the first chart.",
             "The ESN swings more (0.168 → 0.471), the LTC less (0.060 → 0.045), the CfC "
             "more (0.074 → 0.246).",
             "In the LTC the radius scales conductances too: more open synapses shorten the "
             "time constants and hold each neuron near its reversal potentials (shunting), "
             "where the ESN's tanh only gets a stronger push.",
             check_liquid_shunting),
    Exercise("liquid-compare", "liquid", "Three neurons, one task",
             "Keep the task **8×8 digits** and press **Compare the three neurons**.",
             "All three between 98 % and 99 % (ESN 98.7 %, LTC 98.2 %, CfC 98.2 %); the "
             "liquid neurons take about twice as long (0.34, 0.72 and 0.75 s measured).",
             "On regularly sampled data the liquid neurons' advantage, reading elapsed time, "
             "has nothing to read: compare them on irregular sampling below.",
             check_liquid_compare),
)
#: Exercise by its URL name.
BY_KEY = {exercise.key: exercise for exercise in EXERCISES}
