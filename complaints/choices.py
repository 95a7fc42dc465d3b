from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintState(models.TextChoices):
    """Where a complaint stands in the complaint procedure (panaszeljárás)."""

    RECORDED = "recorded", _("Recorded")
    INVESTIGATING = "investigating", _("Under investigation")
    PROPOSED = "proposed", _("Awaiting the executives' decision")
    DECIDED = "decided", _("Decided, answer to send")
    ANSWERED = "answered", _("Answered")
    SETTLED = "settled", _("Settled on the spot")
    SET_ASIDE = "set_aside", _("Closed without investigation")


# A written answer is still owed in these states; the answer deadline runs.
PENDING_STATES = (
    ComplaintState.RECORDED,
    ComplaintState.INVESTIGATING,
    ComplaintState.PROPOSED,
    ComplaintState.DECIDED,
)
CLOSED_STATES = (ComplaintState.ANSWERED, ComplaintState.SETTLED, ComplaintState.SET_ASIDE)


class SetAsideReason(models.TextChoices):
    """Complaints the law does not require to be investigated; they stay in the register."""

    REPEATED = "repeated", _("Repeated identical complaint with no new information")
    UNIDENTIFIABLE = "unidentifiable", _("The complainant cannot be identified")


class OralOutcome(models.TextChoices):
    """What happened to an oral complaint at the desk (§17/A(3))."""

    SETTLED = "settled", _("Examined at once and settled; the complainant agrees")
    NOT_AT_ONCE = "not_at_once", _("Cannot be examined at once: a record is taken")
    DISAGREES = "disagrees", _("Examined at once, but the complainant disagrees: a record is taken")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", pgettext_lazy("complaint outcome", "Rejected")


# An answer with these outcomes refuses something, so it must name where the complainant can turn.
REFUSING_OUTCOMES = (Outcome.PARTLY_UPHELD, Outcome.REJECTED)


class Decision(models.TextChoices):
    """The executives' decision on the officer's proposed resolution."""

    APPROVED = "approved", _("Approved")
    AMENDED = "amended", _("Amended")
    REJECTED = "rejected", pgettext_lazy("proposal decision", "Rejected, to investigate further")


class EntryKind(models.TextChoices):
    FINDING = "finding", _("Finding")
    DOCUMENT = "document", _("Document")
    CONSULTATION = "consultation", _("Consultation")
    MESSAGE = "message", _("Message from the complainant")


class AnswerMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter by post")


class MessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    ANSWER = "answer", _("Answer")
    STAFF_ALERT = "staff_alert", _("Deadline alert to staff")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Accepted by the mail server")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Could not be sent")
    BOUNCED = "bounced", _("Bounced")


class RedressKind(models.TextChoices):
    CONCILIATION = "conciliation", _("Conciliation body")
    AUTHORITY = "authority", _("Consumer-protection authority")


class County(models.TextChoices):
    """Budapest and the 19 counties (vármegyék): the complainant's residence decides the competent bodies."""

    BUDAPEST = "budapest", "Budapest"
    BARANYA = "baranya", "Baranya"
    BACS_KISKUN = "bacs_kiskun", "Bács-Kiskun"
    BEKES = "bekes", "Békés"
    BORSOD_ABAUJ_ZEMPLEN = "borsod_abauj_zemplen", "Borsod-Abaúj-Zemplén"
    CSONGRAD_CSANAD = "csongrad_csanad", "Csongrád-Csanád"
    FEJER = "fejer", "Fejér"
    GYOR_MOSON_SOPRON = "gyor_moson_sopron", "Győr-Moson-Sopron"
    HAJDU_BIHAR = "hajdu_bihar", "Hajdú-Bihar"
    HEVES = "heves", "Heves"
    JASZ_NAGYKUN_SZOLNOK = "jasz_nagykun_szolnok", "Jász-Nagykun-Szolnok"
    KOMAROM_ESZTERGOM = "komarom_esztergom", "Komárom-Esztergom"
    NOGRAD = "nograd", "Nógrád"
    PEST = "pest", "Pest"
    SOMOGY = "somogy", "Somogy"
    SZABOLCS_SZATMAR_BEREG = "szabolcs_szatmar_bereg", "Szabolcs-Szatmár-Bereg"
    TOLNA = "tolna", "Tolna"
    VAS = "vas", "Vas"
    VESZPREM = "veszprem", "Veszprém"
    ZALA = "zala", "Zala"


class Action(models.TextChoices):
    """What an event on a complaint's timeline records."""

    RECORD = "record", _("Recorded in the register")
    RECORD_TAKEN = "record_taken", _("Record (jegyzőkönyv) taken")
    SETTLE = "settle", _("Settled on the spot")
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement sent")
    ASSIGN = "assign", _("Complaint officer assigned")
    CONCERNED = "concerned", _("Employees concerned named")
    FINDING = "finding", _("Finding")
    DOCUMENT = "document", _("Document added")
    CONSULTATION = "consultation", _("Consultation")
    MESSAGE = "message", _("Message from the complainant")
    PROPOSE = "propose", _("Resolution proposed to the executives")
    APPROVE = "approve", _("Proposal approved")
    AMEND = "amend", _("Proposal amended")
    REJECT_PROPOSAL = "reject_proposal", _("Proposal rejected")
    ANSWER_PREPARED = "answer_prepared", _("Answer prepared")
    ANSWER_SENT = "answer_sent", _("Answer sent by e-mail")
    ANSWER_POSTED = "answer_posted", _("Answer posted")
    MAIL_FAILED = "mail_failed", _("E-mail could not be sent")
    MAIL_BOUNCED = "mail_bounced", _("E-mail bounced")
    SET_ASIDE = "set_aside", _("Closed without investigation")
    VISIBILITY = "visibility", _("Visibility for the employees concerned changed")
    DEADLINE_WARNING = "deadline_warning", _("Answer deadline near")
    DEADLINE_BREACH = "deadline_breach", _("Answer deadline missed")
    PURGED = "purged", _("Personal data removed after the retention period")
