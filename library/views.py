"""Library pages for staff: the list with search, a document with its versions, publishing, downloads,
and linking documents to tickets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.htmx import render_page_or_partial
from library import selectors, services
from library.forms import DocumentForm, EditForm, SearchForm, VersionForm
from library.models import Document
from library.rendering import render_markdown
from tickets import selectors as ticket_selectors
from tickets.models import Ticket

PAGE_SIZE = 25
PICK_SIZE = 20


def _reader(request: HttpRequest) -> None:
    if not selectors.is_staff_reader(request.user):
        raise PermissionDenied()


def _manager(request: HttpRequest) -> None:
    _reader(request)
    if not request.user.has_perm("library.manage_documents"):
        raise PermissionDenied()


def _url(document: Document) -> str:
    return reverse("library:detail", kwargs={"pk": document.pk})


def _ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", kwargs={"year": ticket.year, "sequence": ticket.sequence})


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    can_manage = request.user.has_perm("library.manage_documents")
    form = SearchForm(request.GET, can_manage=can_manage)
    documents = selectors.document_list(request.user, **form.filters())
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "searching": bool(request.GET.get("q"))}
    return render_page_or_partial(
        request, "library/list.html", "library/partials/_results.html", context, target="results"
    )


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    document = selectors.get_for(request.user, pk)
    current = document.current
    context = {
        "document": document,
        "current": current,
        "rendered": render_markdown(current.markdown) if current is not None and current.markdown else "",
        "versions": selectors.versions(document),
        "tickets": selectors.linked_tickets(request.user, document),
        "can_manage": request.user.has_perm("library.manage_documents"),
    }
    return render(request, "library/detail.html", context)


@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    if request.method != "POST":
        return render(request, "library/form.html", {"form": DocumentForm(), "heading": _("New document")})
    form = DocumentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            document = form.submit(request.user)
        except services.WorkflowError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("The document is published."))
            return redirect(_url(document))
    return render(request, "library/form.html", {"form": form, "heading": _("New document")}, status=status)


@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    document = selectors.get_for(request.user, pk)
    heading = _("New version of “%(title)s”") % {"title": document.title}
    if request.method != "POST":
        return render(request, "library/form.html", {"form": VersionForm(), "heading": heading, "document": document})
    form = VersionForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            version = form.submit(request.user, document)
        except services.WorkflowError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("Version %(number)s is now the current one.") % {"number": version.number})
            return redirect(_url(document))
    context = {"form": form, "heading": heading, "document": document}
    return render(request, "library/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    document = selectors.get_for(request.user, pk)
    heading = _("Edit “%(title)s”") % {"title": document.title}
    if request.method != "POST":
        context = {"form": EditForm.for_document(document), "heading": heading, "document": document}
        return render(request, "library/form.html", context)
    form = EditForm.for_document(document, request.POST)
    status = 400
    if form.is_valid():
        try:
            form.submit(request.user, document)
        except services.WorkflowError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("The document is saved."))
            return redirect(_url(document))
    return render(request, "library/form.html", {"form": form, "heading": heading, "document": document}, status=status)


@require_GET
def version_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    if not selectors.is_staff_reader(request.user):
        raise Http404()
    version = selectors.version_for(request.user, pk, number)
    return services.file_response(version, as_attachment=True)


# --- documents on tickets ----------------------------------------------------------------------------


def _linker(request: HttpRequest, year: int, sequence: int) -> Ticket:
    _reader(request)
    if not request.user.has_perm("library.link_document"):
        raise PermissionDenied()
    return ticket_selectors.get_for(request.user, year=year, sequence=sequence)


def _posted_document(request: HttpRequest) -> Document:
    try:
        pk = int(request.POST.get("document") or 0)
    except ValueError:
        pk = 0
    document = selectors.visible_to(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    return document


@require_http_methods(["GET", "POST"])
def ticket_link(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    """GET: find documents to link to the ticket; POST (document id): link one."""
    ticket = _linker(request, year, sequence)
    if request.method == "POST":
        document = _posted_document(request)
        try:
            services.link_to_ticket(actor=request.user, document=document, ticket=ticket)
        except services.WorkflowError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("“%(title)s” is linked to the ticket.") % {"title": document.title})
        return redirect(_ticket_url(ticket))
    form = SearchForm(request.GET)
    filters = form.filters()
    filters.pop("archived", None)
    linked = set(ticket.library_links.values_list("document_id", flat=True))
    documents = selectors.document_list(request.user, **filters)
    page = Paginator(documents, PICK_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"ticket": ticket, "form": form, "page": page, "query": query.urlencode(), "linked": linked}
    return render_page_or_partial(
        request, "library/link.html", "library/partials/_pick.html", context, target="results"
    )


@require_POST
def ticket_unlink(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = _linker(request, year, sequence)
    document = _posted_document(request)
    try:
        services.unlink(actor=request.user, document=document, ticket=ticket)
    except services.WorkflowError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("“%(title)s” is no longer linked to the ticket.") % {"title": document.title})
    return redirect(_ticket_url(ticket))
