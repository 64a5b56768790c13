"""The coach's error hierarchy. Every interface turns these into one friendly line.

Defined here (the bottom layer) so that tools, knowledge and agent all raise the
same types without importing upward.
"""

from __future__ import annotations


class CoachError(Exception):
    """Base of every error a user may see: its message says what is wrong and how to fix it."""


class InputError(CoachError):
    """Bad input from a person: a level of 7, negative hours, a profile that is not YAML."""


class UnknownRoleError(InputError):
    """A target position the catalog does not know."""


class ConfigError(CoachError):
    """A setting is missing or wrong: a missing key, an unreachable server."""


class KnowledgeError(CoachError):
    """The knowledge index is missing, damaged or built with another embedding model."""


class ReviewError(InputError):
    """An answer to a plan review that is not approve, edit or reject."""
