"""The complaint register for inspection (CSV) and the period form of the review pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import PeriodForm as BasePeriodForm
from complaints.choices import PENDING_STATES
from complaints.models import Complaint

MAX_INSPECTION_DAYS = 5 * 366  # the retention period and then some


class PeriodForm(BasePeriodForm):
    """Inspection periods may span the whole retention period."""

    max_days = MAX_INSPECTION_DAYS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].label = _("Received from")
        self.fields["end"].label = _("Received until")


def _when(value: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def csv_rows(complaints: Iterable[Complaint], now: dt.datetime) -> Iterator[list[str]]:
    """The register as the authority reads it: one row per complaint, dates as Hungarians write them (written
    through common.csv_cells, which keeps any cell from starting a formula)."""
    yield [
        gettext("Complaint number"),
        gettext("Received"),
        gettext("Way of submission"),
        gettext("Place of submission"),
        gettext("Complainant's name"),
        gettext("Complainant's address or e-mail"),
        gettext("Module"),
        gettext("Subject"),
        gettext("State"),
        gettext("Record taken"),
        gettext("Outcome"),
        gettext("Answer due"),
        gettext("Answered"),
        gettext("Answered in time"),
        gettext("Kept until"),
    ]
    for complaint in complaints:
        record = getattr(complaint, "record", None)
        if complaint.answered_at is not None:
            in_time = (
                gettext("yes")
                if complaint.due_at is None or complaint.answered_at <= complaint.due_at
                else gettext("no")
            )
        elif complaint.state in PENDING_STATES and complaint.due_at is not None and complaint.due_at <= now:
            in_time = gettext("overdue")
        else:
            in_time = ""
        yield [
            complaint.number,
            _when(complaint.received_at),
            str(complaint.get_channel_display()),
            complaint.place_received,
            complaint.complainant_name,
            complaint.complainant_address or complaint.complainant_email,
            complaint.module.name if complaint.module else "",
            complaint.subject,
            str(complaint.get_state_display()),
            _when(record.taken_at) if record else "",
            str(complaint.get_outcome_display()) if complaint.outcome else "",
            _when(complaint.due_at),
            _when(complaint.answered_at),
            in_time,
            _when(complaint.retain_until),
        ]
