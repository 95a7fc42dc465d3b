"""Raw RFC 822 bytes → a ParsedMessage, with the standard library's ``email`` package. Never raises.

Hungarian mail in the wild: UTF-8, ISO-8859-2 and Windows-1250 (often mislabelled as ISO-8859-2 or sent
as 8-bit text with no charset, sometimes labelled Latin-1 while it is Latin-2), RFC 2047 encoded words,
RFC 2231 file names, nested messages, uuencoded parts, null bytes. Whatever cannot be read is reported in
``problems``; the caller keeps the raw bytes in every case.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any, TypeVar

import nh3

T = TypeVar("T")

TICKET_NUMBER = re.compile(r"\[(?P<year>\d{4})/(?P<sequence>\d{1,7})\]")
# ISO-8859-x has C1 control characters at 0x80–0x9F; Windows code pages put letters there (Š, ž, „ ” …).
C1_CONTROLS = re.compile("[\x80-\x9f]")
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li", "ol",
    "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMessage:
    message_id: str
    content_hash: str
    subject: str
    sender_name: str
    sender_address: str
    recipients: list[str]
    date: Any  # datetime | None
    in_reply_to: str
    references: list[str]
    text: str  # plain text: the text part, or the HTML part turned into text
    html: str  # sanitised HTML (nh3), empty when the message has none
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # every header's first value, decoded; names lower-case
    auto_reply: str = ""  # why the message is an automatic one, or empty
    bounce: bool = False
    # The same message delivered again: its text and originator headers, whatever a transport added on top.
    content_key: str = ""
    bounced_message_id: str = ""  # for a bounce: the Message-ID of the message that could not be delivered
    bounce_diagnostic: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ticket_reference(self) -> tuple[int, int] | None:
        """(year, sequence) of a ticket number like [2026/000123] in the subject, whatever prefixes precede it."""
        match = TICKET_NUMBER.search(self.subject)
        return (int(match["year"]), int(match["sequence"])) if match else None


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def content_key(raw: bytes, *, message_id: str, sender: str, subject: str, date: Any) -> str:
    """What makes two deliveries the same message: the Message-ID, sender, subject and date as read, and the
    body's bytes with line ends and trailing blanks evened out. Trace headers that each hop adds on top
    (Received, Delivered-To, Return-Path …) do not count, so one message fetched over IMAP and piped by the
    mail server is recognised; a different message that reuses a Message-ID is not taken for it."""
    end = _HEADER_END.search(raw)
    body = raw[end.end() :] if end else b""
    body = b"\n".join(line.rstrip() for line in body.splitlines()).rstrip()
    originator = "\0".join([message_id, sender.lower(), subject, date.isoformat() if date else ""])
    return hashlib.sha256(originator.encode("utf-8", "surrogateescape") + b"\0" + body).hexdigest()


def parse(raw: bytes) -> ParsedMessage:
    """Parse `raw`; any part that cannot be read is skipped and named in ``problems``. Never raises."""
    try:
        return _parse(raw)
    except Exception as exc:  # a last resort: the raw bytes are kept by the caller whatever happens here
        return ParsedMessage(
            message_id="",
            content_hash=content_hash(raw or b""),
            content_key=content_hash(raw or b""),
            subject="",
            sender_name="",
            sender_address="",
            recipients=[],
            date=None,
            in_reply_to="",
            references=[],
            text="",
            html="",
            problems=[f"unreadable message: {exc!r}"],
        )


def _parse(raw: bytes) -> ParsedMessage:
    problems: list[str] = []
    raw = raw or b""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # the parser is lenient; this is for the truly broken
        problems.append(f"unparseable message: {exc!r}")
        message = Message()
    sender_name, sender_address = _degraded(problems, "sender", ("", ""), _sender, message, problems)
    no_body: tuple[str, str, list[ParsedAttachment]] = ("", "", [])
    text, html_body, attachments = _degraded(problems, "body", no_body, _bodies, message, problems)
    bounce = _degraded(problems, "bounce report", False, _is_bounce, message, sender_address)
    bounced_id, diagnostic = (
        _degraded(problems, "bounce report", ("", ""), _bounce_details, message, text) if bounce else ("", "")
    )
    message_id = _angle(_header(message, "Message-ID", problems))
    subject = _one_line(_header(message, "Subject", problems))
    date = _degraded(problems, "date", None, _date, message, problems)
    return ParsedMessage(
        message_id=message_id,
        content_hash=content_hash(raw),
        content_key=content_key(raw, message_id=message_id, sender=sender_address, subject=subject, date=date),
        subject=subject,
        sender_name=sender_name,
        sender_address=sender_address,
        recipients=_degraded(problems, "recipients", [], _recipients, message),
        date=date,
        in_reply_to=_angle(_header(message, "In-Reply-To", problems)),
        references=[_angle(ref) for ref in re.findall(r"<[^>]+>", _header(message, "References", problems))],
        text=text,
        html=html_body,
        attachments=attachments,
        headers=_degraded(problems, "headers", {}, _headers, message, problems),
        auto_reply=_degraded(problems, "automatic-mail headers", "", _auto_reply, message),
        bounce=bounce,
        bounced_message_id=bounced_id,
        bounce_diagnostic=diagnostic,
        problems=problems,
    )


def _degraded(problems: list[str], what: str, fallback: T, read: Callable[..., T], *args: Any) -> T:
    """One field of the message; if it cannot be read, `fallback` and a named problem: the rest is kept."""
    try:
        return read(*args)
    except Exception as exc:
        problems.append(f"unreadable {what}: {exc!r}")
        return fallback


def _recipients(message: Message) -> list[str]:
    return [address for _name, address in getaddresses(_all(message, ("To", "Cc"))) if address]


# --- headers ---------------------------------------------------------------------------------------


def _header(message: Message, name: str, problems: list[str]) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        # compat32 hands 8-bit header bytes over as a Header object; decode_header keeps its bytes.
        parts = decode_header(value)
        decoded = []
        for chunk, charset in parts:
            if isinstance(chunk, str):
                # 8-bit header bytes arrive as surrogate escapes: decode them like an unlabelled body.
                chunk = chunk.encode("utf-8", "surrogateescape")
            decoded.append(decode_text(chunk, charset))
        return _clean("".join(decoded) if len(parts) > 1 else decoded[0] if decoded else "")
    except Exception:
        try:
            return _clean(str(make_header(decode_header(str(value)))))
        except Exception as exc:
            problems.append(f"unreadable {name} header: {exc!r}")
            raw_value = value if isinstance(value, str) else str(value)
            return _clean(raw_value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _headers(message: Message, problems: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in message:  # a Message iterates over its header names
        found.setdefault(name.lower(), _one_line(_header(message, name, problems)))
    return found


def _all(message: Message, names: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    for name in names:
        values.extend(str(value) for value in (message.get_all(name) or []))
    return values


def _sender(message: Message, problems: list[str]) -> tuple[str, str]:
    for name in ("From", "Reply-To", "Sender", "Return-Path"):
        value = _header(message, name, problems)
        if value:
            display, address = parseaddr(value)
            if "@" in address:
                return _one_line(display), address.strip().lower()
    return "", ""


def _date(message: Message, problems: list[str]) -> Any:
    value = message.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        problems.append("unreadable Date header")
        return None
    return parsed if parsed.tzinfo is not None else None


def _angle(value: str) -> str:
    match = re.search(r"<([^>]+)>", value or "")
    return (match.group(1) if match else (value or "")).strip()[:250]


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _clean(value: str) -> str:
    return value.replace("\x00", "")


# --- text ------------------------------------------------------------------------------------------


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode `data` as the sender most likely meant it (see the module docstring). Never raises."""
    data = data.replace(b"\x00", b"")
    label = (charset or "").strip().strip('"').lower()
    if label in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "8bit"):
        return _guess(data)
    try:
        text = data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return _guess(data)
    if label.startswith(("iso-8859", "iso8859", "latin")) and C1_CONTROLS.search(text):
        # Letters where ISO-8859 has control characters: a Windows code page sent under an ISO label.
        windows = "cp1250" if label in ("iso-8859-2", "iso8859-2", "latin2") else "cp1252"
        try:
            return data.decode(windows)
        except UnicodeDecodeError:
            return text
    if label in ("iso-8859-1", "iso8859-1", "latin1", "latin-1") and re.search("[õûÕÛ]", text):
        # õ/û are rare in Latin-1 text and are exactly where Latin-2 keeps ő/ű: Hungarian mislabelled.
        return data.decode("iso-8859-2")
    return text


def _guess(data: bytes) -> str:
    # UTF-8 if it is valid UTF-8; otherwise Windows-1250, the Hungarian default for unlabelled 8-bit text.
    for codec in ("utf-8", "cp1250"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a Latin-1 character: this cannot fail


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</li\s*>|</h[1-6]\s*>", "\n", markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t\r\f\v]+", " ", text)).strip()


def sanitise_html(markup: str) -> str:
    return nh3.clean(markup, tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"}, link_rel="noopener")


# --- bodies and attachments ------------------------------------------------------------------------


def _bodies(message: Message, problems: list[str]) -> tuple[str, str, list[ParsedAttachment]]:
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[ParsedAttachment] = []
    _walk(message, texts, htmls, attachments, problems, depth=0)
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    html_body = "\n".join(htmls)
    if not text and html_body:
        text = html_to_text(html_body)
    text, uuencoded = _split_uuencoded(text)
    attachments.extend(uuencoded)
    return _clean(text), sanitise_html(html_body) if html_body else "", attachments


def _walk(
    part: Message,
    texts: list[str],
    htmls: list[str],
    attachments: list[ParsedAttachment],
    problems: list[str],
    depth: int,
) -> None:
    if depth > 20:
        problems.append("nesting deeper than 20 levels: the rest is kept in the raw message only")
        return
    try:
        content_type = (_readable(part).get_content_type() or "text/plain").lower()
    except Exception as exc:
        problems.append(f"unreadable Content-Type: {exc!r}")
        content_type = "application/octet-stream"
    if part.is_multipart():
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(inner_message, Message):
                name = _header(inner_message, "Subject", problems) or "message"
                attachments.append(
                    ParsedAttachment(f"{_safe_name(name)}.eml", "message/rfc822", inner_message.as_bytes())
                )
            return
        children = part.get_payload()
        if content_type == "multipart/alternative" and isinstance(children, list):
            # One rendering is enough: prefer the plain text, keep the HTML for display.
            parts = [c for c in children if isinstance(c, Message)]
            plain = [c for c in parts if c.get_content_type() == "text/plain" and not _is_attachment(c)]
            if plain:
                children = [plain[0]] + [c for c in parts if c.get_content_type() == "text/html"]
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                try:
                    _walk(child, texts, htmls, attachments, problems, depth + 1)
                except Exception as exc:  # that part is lost to the ticket, not the message (raw bytes kept)
                    problems.append(f"unreadable part: {exc!r}")
        return
    payload: bytes | None
    try:
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else None
    except Exception as exc:
        problems.append(f"undecodable {content_type} part: {exc!r}")
        payload = None
    if payload is None:
        raw_payload = part.get_payload()
        payload = raw_payload.encode("utf-8", "replace") if isinstance(raw_payload, str) else b""
    if content_type in ("text/plain", "text/html") and not _is_attachment(part):
        text = decode_text(payload, _readable(part).get_content_charset())
        (texts if content_type == "text/plain" else htmls).append(text)
        return
    filename = _filename(part, problems) or _default_name(content_type)
    attachments.append(
        ParsedAttachment(
            filename=filename,
            content_type=content_type,
            content=payload,
            inline=_header(part, "Content-Disposition", problems).lower().startswith("inline"),
            content_id=_angle(_header(part, "Content-ID", problems)),
        )
    )


def _is_attachment(part: Message) -> bool:
    disposition = _header(part, "Content-Disposition", []).lower()
    return disposition.startswith("attachment") or bool(_readable(part).get_param("name"))


def _readable(part: Message) -> Message:
    """The part's Content-Type and Content-Disposition as text. A raw 8-bit header (``filename="számla.pdf"``
    as UTF-8 bytes, which many mail programs send) reaches compat32 as a Header object that its parameter
    functions cannot read: such headers are decoded (UTF-8, else the usual Hungarian charsets) first."""
    headers = ("Content-Type", "Content-Disposition")
    if all(isinstance(part.get(name), str | None) for name in headers):
        return part
    readable = Message()
    for name in headers:
        value = _header(part, name, [])
        if value:
            readable[name] = value
    return readable


def _filename(part: Message, problems: list[str]) -> str:
    try:
        name = _readable(part).get_filename()  # RFC 2231 parameters, continuations included
    except Exception as exc:
        problems.append(f"unreadable file name: {exc!r}")
        name = None
    if not name:
        return ""
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except Exception:
            problems.append("unreadable encoded file name")
    return _safe_name(name)


def _safe_name(name: str) -> str:
    name = _clean(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).strip(" .")
    return name[:200] or "file"


def _default_name(content_type: str) -> str:
    extension = {"application/pdf": "pdf", "image/tiff": "tiff", "image/png": "png", "image/jpeg": "jpg"}
    return f"attachment.{extension.get(content_type, 'bin')}"


UU_BLOCK = re.compile(r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end\s*$", re.M | re.S)


def _split_uuencoded(text: str) -> tuple[str, list[ParsedAttachment]]:
    """uuencoded files pasted into a text body become attachments; the text keeps the rest."""
    import binascii

    found: list[ParsedAttachment] = []

    def take(match: re.Match[str]) -> str:
        data = bytearray()
        for line in match["body"].splitlines():
            if not line.strip() or line.strip() == "`":
                continue
            try:
                data.extend(binascii.a2b_uu(line))
            except (binascii.Error, ValueError):
                # Transports add or trim characters at line ends; the first character says how long it is.
                length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                try:
                    data.extend(binascii.a2b_uu(line[:length]))
                except (binascii.Error, ValueError):
                    return match.group(0)  # not really uuencoded: leave the text as it was
        found.append(ParsedAttachment(_safe_name(match["name"].strip()), "application/octet-stream", bytes(data)))
        return ""

    return UU_BLOCK.sub(take, text), found


# --- automatic mail --------------------------------------------------------------------------------


def _auto_reply(message: Message) -> str:
    """Why the message is automatic (RFC 3834 and the usual vendor headers), or empty."""
    auto_submitted = str(message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = str(message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if message.get(name) is not None:
            return f"{name}: {message.get(name)}"
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return "empty Return-Path"
    return ""


def _is_bounce(message: Message, sender_address: str) -> bool:
    readable = _readable(message)
    if readable.get_content_type() == "multipart/report":
        return str(readable.get_param("report-type") or "").lower() == "delivery-status"
    return sender_address.split("@")[0] in ("mailer-daemon", "postmaster")


def _bounce_details(message: Message, text: str) -> tuple[str, str]:
    """The Message-ID of the returned message and the reason given (RFC 3464 reports, or a plain bounce)."""
    bounced_id, diagnostic = "", ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [part]
            for block in blocks:
                for name in ("Diagnostic-Code", "Status", "Action"):
                    value = block.get(name) if isinstance(block, Message) else None
                    if value and not diagnostic:
                        diagnostic = _one_line(str(value))
            if not diagnostic:
                text = str(part.get_payload(decode=False))
                match = re.search(r"(?im)^Diagnostic-Code:\s*(.+)$", text)
                diagnostic = _one_line(match.group(1)) if match else ""
        elif content_type in ("message/rfc822", "text/rfc822-headers") and not bounced_id:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                bounced_id = _angle(str(inner[0].get("Message-ID") or ""))
            else:
                match = re.search(r"(?im)^Message-ID:\s*(<[^>]+>)", str(inner))
                bounced_id = _angle(match.group(1)) if match else ""
    if not bounced_id:  # a plain bounce quotes the returned message's headers in its text
        match = re.search(r"(?im)^\s*Message-ID:\s*(<[^>]+>)", text)
        bounced_id = _angle(match.group(1)) if match else ""
    return bounced_id, diagnostic[:500]
