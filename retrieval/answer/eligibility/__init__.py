"""Rules as code: scheme eligibility and benefits from dated, cited parameters (OpenFisca)."""

from retrieval.answer.eligibility.checker import check
from retrieval.answer.eligibility.profile import Profile
from retrieval.answer.eligibility.rules import Check, SchemeResult

__all__ = ["Check", "Profile", "SchemeResult", "check"]
