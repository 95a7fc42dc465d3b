"""The text at the top of the API documentation (/api/v1/docs): tokens, errors, pagination, limits, a walk."""

DESCRIPTION = """
Pult's JSON API. Every endpoint applies the same roles and the same ticket visibility as the pages:
a ticket you may not see answers **404** as if it did not exist, an action your role never takes answers
**403**, and every change of state goes through the same workflow as the ticket page.

## Authentication

Create a personal token on your profile page, **/profile/tokens/** ("API tokens"). The token
(`pult_…`) is shown **once**: copy it then; Pult stores only its hash. Send it on every request:

    Authorization: Bearer pult_…

Revoke a token on the same page; a revoked or expired token answers 401. Customer-portal accounts
cannot use the API. From the browser, the logged-in session works too (writes then need the
`X-CSRFToken` header).

## Errors

Every error has one shape:

    {"detail": "<message in the request's language>", "code": "<machine code>", "errors": [...]}

`errors` lists the fields that failed validation (422 `validation_error`). Codes: `not_authenticated`
(401), `permission_denied`, `not_allowed`, `portal_account`, `csrf_failed` (403), `not_found` (404),
`illegal_transition`, `ticket_changed` (409), `validation_error`, `invalid_input`, `invalid_cursor` (422),
`rate_limited` (429), `bad_request` (400). Messages are Hungarian unless the language cookie or
`?lang=en` asks for English.

## Concurrent changes

Every ticket has a `version`. Send it back as `expected_version` in a step's body: if someone acted on the
ticket in between, the step is refused with 409 `ticket_changed` and nothing is changed.

## Pagination

Lists answer `{"items": [...], "next_cursor": "…"}`. Pass `?cursor=<next_cursor>` with the same filters
to get the next page, until `next_cursor` is null. `limit` is at most 100.

## Rate limits

Each token (or session) may make `PULT_API_REQUESTS_PER_MINUTE` requests per minute (default 120).
Every answer carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`; over the limit the answer is
429 `rate_limited` with `Retry-After` (seconds until the minute ends).

## A ticket's walk with curl

    export PULT=https://pult.example/api/v1 AUTH="Authorization: Bearer pult_…" JSON="Content-Type: application/json"
    curl -H "$AUTH" "$PULT/contacts?q=Kovács"
    curl -H "$AUTH" -H "$JSON" -X POST "$PULT/tickets" \\
         -d '{"contact_id": 7, "subject": "Nem nyomtat", "description": "Nem működik.", "channel": "phone"}'
    # → 201 {"number": "2026/000123", "year": 2026, "sequence": 123, "version": 1, "allowed_steps": [...], ...}
    T=$PULT/tickets/2026/123/steps
    curl -H "$AUTH" -H "$JSON" -X POST $T/verify -d '{"expected_version": 1}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/route_personally -d '{"expected_version": 2}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/complete -d '{"note": "Javítva."}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/log_test -d '{"note": "Nyomtat.", "outcome": "passed"}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/accept_solved -d '{}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/record_notification \\
         -d '{"channel": "phone", "recipient": "+36 30 555 0001", "message": "Közöltük, hogy javítva."}'
    curl -H "$AUTH" -H "$JSON" -X POST $T/close -d '{}'
    curl -H "$AUTH" "$PULT/tickets/2026/123"   # the timeline shows every step

Each step answers the ticket as it is afterwards, with `allowed_steps` naming what may come next.

## Registering a batch

An integration that collects requests (a monitoring system, a partner's desk, a migration) can hand over up
to 100 at once: `POST /tickets/batch` with `{"tickets": [ … ]}`, each item shaped like the body of
`POST /tickets`. Either all of them are registered, in the order given, with consecutive numbers, or none
is: a 422 `invalid_input` names the first wrong request by its place ("Request 3: …", 1 is the first). The
answer lists each ticket's number, state and verification deadline. A batch counts as one request against
the rate limit, and webhooks hear of every ticket in it.

    curl -H "$AUTH" -H "$JSON" -X POST "$PULT/tickets/batch" -d '{"tickets": [
         {"contact_id": 7, "subject": "Nem nyomtat", "description": "Nem működik.", "channel": "web"},
         {"contact_id": 9, "subject": "Lassú a zárás", "description": "Percekig tart.", "channel": "web"}]}'
    # → 201 {"items": [{"number": "2026/000124", ...}, {"number": "2026/000125", ...}]}

## Telling the user the result (seed j)

`record_notification` logs a call (or a message left; `outcome=not_reached` keeps the ticket waiting for a
call-back). `email_user` with `"as_notification": true` sends an e-mail that notifies once the mail server
accepts it; `fax_user` sends a letterhead PDF through the fax gateway; `prepare_letter` prepares a letter
(it appears under `letters`), and `POST /tickets/{year}/{sequence}/letters/{id}/posted` marks it posted,
which records the notification. `rate` records the user's satisfaction (1–5) with a closed ticket.
"""
