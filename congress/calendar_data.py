"""The official calendar as the chinesecalendar package publishes it.

Kept free of model imports so the data migration and the `sync_calendar` command share it.
"""

from __future__ import annotations

import datetime as dt

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
PACKAGE = "package"
MANUAL = "manual"


def official_days() -> dict[dt.date, tuple[bool, str]]:
    """Return {date: (is_working_day, name)} for every day that differs from Monday to Friday."""
    import chinese_calendar

    rows: dict[dt.date, tuple[bool, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        rows[day] = (False, _holiday_name(name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # only adjusted weekend workdays differ from the default
            rows[day] = (True, _holiday_name(name))
    return rows


def load_official_calendar(calendar_day_model, calendar_year_model) -> list[int]:
    """Write the package's calendar, keeping days staff entered by hand; return the years written."""
    days = official_days()
    manual = set(calendar_day_model.objects.filter(source=MANUAL).values_list("date", flat=True))
    calendar_day_model.objects.bulk_create(
        [
            calendar_day_model(date=day, is_working_day=working, name=name, source=PACKAGE)
            for day, (working, name) in days.items()
            if day not in manual
        ],
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=["is_working_day", "name", "source"],
        batch_size=500,
    )
    years = sorted({day.year for day in days})
    existing = set(calendar_year_model.objects.filter(year__in=years).values_list("year", flat=True))
    calendar_year_model.objects.bulk_create(
        [calendar_year_model(year=y, is_official=True, source=PACKAGE) for y in years if y not in existing]
    )
    calendar_year_model.objects.filter(year__in=years, is_official=False).update(is_official=True, source=PACKAGE)
    return years


def _holiday_name(name: object) -> str:
    text = getattr(name, "value", None) or (name if isinstance(name, str) else "")
    english = str(text).split(",")[0] if text else ""
    return HOLIDAY_NAMES.get(english, english)
