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
