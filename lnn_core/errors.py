"""Errors raised by the engine for bad user input."""

__all__ = ["DataError"]


class DataError(ValueError):
    """Input data that cannot be used, with a sentence a user understands.

    The message names the file, row, column or array at fault, what was
    expected and what was found.  It subclasses ``ValueError`` so callers that
    already catch ``ValueError`` for bad parameters also catch bad data.
    """
