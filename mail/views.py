"""The raw message, byte for byte, for whoever may see its ticket (or incoming mail as a whole)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.collation import hungarian
from mail.choices import OutboundStatus
from mail.models import InboundMessage, Mailbox, OutboundMessage
from tickets.selectors import visible_to
from worker.models import Lease


@require_GET
def raw_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = InboundMessage.objects.filter(pk=pk).only("pk", "raw", "ticket_id").first()
    if message is None:
        raise Http404()
    may_see = request.user.has_perm("mail.view_inboundmessage") or (
        message.ticket_id is not None and visible_to(request.user).filter(pk=message.ticket_id).exists()
    )
    if not may_see:
        raise Http404()
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@permission_required("mail.view_inboundmessage", raise_exception=True)
def worker_status(request: HttpRequest) -> HttpResponse:
    """What the background worker has to do and what went wrong, for the administrator."""
    from huey.contrib.djhuey import HUEY

    context = {
        "pending": HUEY.pending_count(),
        "scheduled": HUEY.scheduled_count(),
        "mailboxes": Mailbox.objects.order_by(hungarian("name")),
        "troubled": OutboundMessage.objects.filter(status__in=[OutboundStatus.FAILED, OutboundStatus.GIVEN_UP])
        .select_related("ticket")
        .order_by("-created_at")[:100],
        "queued_mail": OutboundMessage.objects.filter(status=OutboundStatus.QUEUED).count(),
        "leases": Lease.objects.order_by("name")[:100],
    }
    return render(request, "mail/worker.html", context)
