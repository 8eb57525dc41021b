"""Chinese text helpers used in labels such as 第十八届 and 第3次会议."""

_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(number: int) -> str:
    """Write 1..99 the way congress documents do: 一, 十, 十八, 二十一."""
    if number < 0:
        raise ValueError("number must not be negative")
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    return str(number)


def mask_number(value: str | None, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Hide the middle of a phone or ID-card number, as Chinese public lists do: 13812345678 -> 138****5678.

    A number too short to keep both ends and still hide something is starred whole.
    """
    value = (value or "").strip()
    if len(value) > keep_start + keep_end:
        return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
    return "*" * len(value)
