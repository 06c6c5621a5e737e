"""Vietnamese phone numbers: one canonical form (0 + 9 digits) for every way people write them."""

from __future__ import annotations

import re

_NOT_DIGITS = re.compile(r"[\s.\-()]")


class InvalidPhoneError(ValueError):
    """The text is not a Vietnamese mobile or landline number."""


def normalise_phone(raw: str) -> str:
    """Return the national form `0xxxxxxxxx` of 09xx…, +84…, 84… and 0084… numbers.

    Raises InvalidPhoneError for anything else.
    """
    digits = _NOT_DIGITS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise InvalidPhoneError(raw)
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits
    # Mobile numbers are 10 digits since 2018; some landlines are 11 (0 + 2-digit area + 8).
    if not (digits.startswith("0") and len(digits) in (10, 11)) or digits[1] == "0":
        raise InvalidPhoneError(raw)
    return digits
