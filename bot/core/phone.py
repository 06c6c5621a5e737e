"""Vietnamese phone numbers: one canonical form (0 + 9 digits) for every way people write them."""

from __future__ import annotations

import re

_NOT_DIGITS = re.compile(r"[\s.\-()]")


# Old 11-digit mobile prefixes and the 10-digit ones they became in 2018 (the last 7 digits
# stay): 01678 123 456 is now 0378 123 456.
OLD_MOBILE_PREFIXES = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


class InvalidPhoneError(ValueError):
    """The text is not a Vietnamese mobile or landline number."""


def normalise_phone(raw: str) -> str:
    """Return the national form `0xxxxxxxxx` of 09xx…, +84…, 84… and 0084… numbers; old
    11-digit mobiles (01678…) become the 10-digit numbers they were changed to in 2018.

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
    if len(digits) == 11 and digits[:4] in OLD_MOBILE_PREFIXES:
        digits = OLD_MOBILE_PREFIXES[digits[:4]] + digits[4:]
    return digits
