"""Guided exercises on each teaching page: one expander, the open exercise in the URL.

The exercises themselves (task, what you should see, why, and a check on the page's own
numbers) are in :mod:`pages._ui.exercise_content`.
"""

import streamlit as st

from .exercise_content import BY_KEY, EXERCISES
from .text import plain

#: Session key of the set of exercises done.
DONE = "exercises_done"


def page_exercises(page):
    """The exercises of one page, in order."""
    return [exercise for exercise in EXERCISES if exercise.page == page]


def exercises_ui(page, **values):
    """The page's exercises in one expander; the chosen one is in the URL as ``exercise``.

    A link's ``exercise`` opens the expander on that exercise (when it is one of
    this page's; otherwise a sentence says so).

    Parameters
    ----------
    page : str
        The page's url path.
    **values
        What the page computed, for the checks (see each ``check_*`` function).

    Returns
    -------
    dict
        Each of the page's exercise keys -> :class:`Check`.
    """
    from .page_settings import link_value

    exercises = page_exercises(page)
    checks = {exercise.key: exercise.check(values) for exercise in exercises}
    done = st.session_state.setdefault(DONE, set())
    done.update(key for key, check in checks.items() if check.done)
    key = f"exercise_{page}"
    text = link_value("exercise")
    if text is not None and text in checks:
        st.session_state[key] = text
    elif text is not None:
        st.warning(f"The link opens the exercise {plain(text, limit=100, quote=True)}, which "
                   f"is not one of this page's: {', '.join(checks)}.",
                   icon=":material/link_off:")
    label = f"Exercises ({sum(k in done for k in checks)} of {len(checks)} done)"
    with st.expander(label, icon=":material/school:", expanded=text in checks):
        choice = st.segmented_control("Exercise", list(checks), key=key, persist_state="session",
                                      format_func=lambda k: BY_KEY[k].title)
        if choice is None:
            if "exercise" in st.query_params:
                del st.query_params["exercise"]
            st.caption("Pick an exercise. The page's link then opens it for anyone.")
            return checks
        st.query_params["exercise"] = choice
        exercise, check = BY_KEY[choice], checks[choice]
        st.markdown(f"**Try** · {exercise.task}\n\n**You should see** · {exercise.expected}"
                    f"\n\n**Why** · {exercise.why}")
        if check.done:
            st.success(check.status, icon=":material/check_circle:")
        elif choice in done:
            st.info("Done earlier in this session. Now: " + check.status)
        else:
            st.info(check.status, icon=":material/pending:")
    return checks
