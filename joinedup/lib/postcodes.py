"""UK postcodes, for counting and searching by area without holding anyone's address."""


def outward(postcode: str) -> str:
    """The outward part of a UK postcode, upper case ("m14 5tq" → "M14"); a code without a
    space, as it is; "" for nothing."""
    parts = postcode.split()
    return parts[0].upper() if parts else ""
