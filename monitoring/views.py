"""Health, readiness and metrics: for load balancers, orchestrators and Prometheus, never for people.

All three are open without a login (they carry no personal data); /metrics checks its own access rule
(monitoring.metrics.metrics_access_allowed). None of them sets a cookie or reads the session.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from monitoring.metrics import metrics_access_allowed, metrics_text
from monitoring.readiness import OK, readiness


@login_not_required
@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    """The process answers. Deliberately nothing else: no database, no cache (the benchmarks' floor too)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def ready(request: HttpRequest) -> HttpResponse:
    """200 when every configured dependency answers, else 503 naming the checks that failed."""
    checks = readiness()
    healthy = all(result == OK for result in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_access_allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics_text()
    return HttpResponse(body, content_type=content_type)
