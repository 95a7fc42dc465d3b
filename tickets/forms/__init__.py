"""Forms of the ticket pages: shared fields, the list filter, and one small form per workflow step."""

from tickets.forms.fields import (
    ExecutorChoiceField,
    ExecutorLoadChoiceField,
    MultipleFileField,
    MultipleFileInput,
    executors,
    executors_with_load,
)
from tickets.forms.filters import (
    LOOKUP_FIELDS,
    LOOKUP_LIMIT,
    LookupSelect,
    TicketFilterForm,
    can_look_up,
    lookup_choices,
    lookup_label,
)
from tickets.forms.steps import FEEDBACK_STEPS, STEP_FORMS, StepForm, letter_frame

__all__ = [
    "FEEDBACK_STEPS",
    "LOOKUP_FIELDS",
    "LOOKUP_LIMIT",
    "STEP_FORMS",
    "ExecutorChoiceField",
    "ExecutorLoadChoiceField",
    "LookupSelect",
    "MultipleFileField",
    "MultipleFileInput",
    "StepForm",
    "TicketFilterForm",
    "can_look_up",
    "executors",
    "executors_with_load",
    "letter_frame",
    "lookup_choices",
    "lookup_label",
]
