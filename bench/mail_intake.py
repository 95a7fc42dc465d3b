"""Mail intake throughput: messages per second through IMAP (a real Dovecot) and through `mailgate`.

    .venv/bin/python bench/mail_intake.py                      # SQLite, 1,000 messages
    .venv/bin/python bench/mail_intake.py --database postgres  # PostgreSQL (127.0.0.1:5432, trust auth)
    .venv/bin/python bench/mail_intake.py --messages 1000 --mailgate-messages 200

Each run uses a fresh database (a temporary SQLite file, or a PostgreSQL database `pult_bench_mail`
created and dropped), migrates it, generates realistic Hungarian messages (3–9 KB of text, every fifth with a 40 KB
PDF attachment), then measures:
- IMAP: the messages are appended to a private Dovecot, then one `mailbox_fetch` reads them all;
- mailgate: each message is piped into its own `manage.py mailgate` process, as a mail server does,
  so the figure includes Python and Django start-up per message.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORDS = (
    "számlázó nyomtatás hibaüzenet árvíztűrő tükörfúrógép bérszámfejtés leltár raktár ügyfél felhasználó "
    "bejelentés jelszó belépés adatbázis mentés frissítés modul verzió kérjük segítségüket köszönettel "
    "üdvözlettel sürgős határidő hónap zárás áfa bizonylat díjbekérő sorszám telephely nyomtató képernyő"
).split()


def message(number: int, rng: random.Random) -> bytes:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(400, 1200)))
    subject = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    head = (
        f"From: Ügyfél {number % 50} <ugyfel{number % 50}@ceg{number % 7}.example>\r\n"
        f"To: ugyfelszolgalat@pult.example\r\nSubject: =?utf-8?b?{_b64(subject)}?=\r\n"
        f"Message-ID: <bench-{number}-{rng.random()}@ceg.example>\r\nDate: Tue, 24 Nov 2026 07:30:00 +0100\r\n"
        "MIME-Version: 1.0\r\n"
    )
    if number % 5:
        return (
            head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
        ).encode()
    pdf = _b64_bytes(rng.randbytes(40_000))
    return (
        head + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n--B\r\n"
        'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="bizonylat.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + pdf + "\r\n--B--\r\n"
    ).encode()


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def _b64_bytes(data: bytes) -> str:
    import base64

    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def prepare_database(kind: str, workdir: Path) -> dict[str, str]:
    if kind == "sqlite":
        return {"SQLITE_PATH": str(workdir / "bench.sqlite3")}
    # Its own database: `pult_bench` holds the data of `python -m bench generate`.
    url = "postgres://postgres@127.0.0.1:5432/pult_bench_mail"
    for statement in ("DROP DATABASE IF EXISTS pult_bench_mail", "CREATE DATABASE pult_bench_mail"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", statement], check=True)
    return {"DATABASE_URL": url}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1000, help="messages read through IMAP")
    parser.add_argument("--mailgate-messages", type=int, default=200, help="messages piped through mailgate")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pult-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env |= prepare_database(options.database, workdir) | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "benchmark",
        "MEDIA_ROOT": str(workdir / "media"),
        "HUEY_FILE": str(workdir / "huey.sqlite3"),  # acknowledgements are queued, not sent, during the run
    }
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mail.fetching import mailbox_fetch
    from mail.models import InboundMessage, Mailbox
    from testkit.imap import ImapServer

    rng = random.Random(2026)
    messages = [message(number, rng) for number in range(options.messages)]
    size = sum(map(len, messages)) / len(messages)
    print(f"database: {options.database}; {len(messages)} messages, {size / 1024:.1f} KiB on average")

    server = ImapServer()
    try:
        connection = server.client()
        for raw in messages:
            connection.append("INBOX", None, None, raw)
        connection.logout()
        os.environ["PULT_IMAP_PASSWORD_BENCH"] = server.PASSWORD  # mailboxes read their password from the environment
        mailbox = Mailbox.objects.create(
            name="Bench",
            address="bench@pult.example",
            imap_host="127.0.0.1",
            imap_port=server.port,
            imap_security="none",
            imap_username=server.USER,
            imap_password_env="PULT_IMAP_PASSWORD_BENCH",  # noqa: S106 - the name of a variable, not a password
        )
        started = time.perf_counter()
        result = mailbox_fetch(mailbox.pk, batch_size=len(messages))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    assert result.stored == len(messages) and not result.errors, result
    print(f"IMAP intake:     {len(messages) / elapsed:8.1f} messages/s ({elapsed:.1f} s for {len(messages)})")

    piped = [message(100_000 + number, rng) for number in range(options.mailgate_messages)]
    if not piped:
        return
    started = time.perf_counter()
    for raw in piped:
        subprocess.run([sys.executable, "manage.py", "mailgate"], input=raw, capture_output=True, check=True, env=env)
    elapsed = time.perf_counter() - started
    print(
        f"mailgate:        {len(piped) / elapsed:8.1f} messages/s ({elapsed:.1f} s for {len(piped)}, "
        "one process per message)"
    )
    assert InboundMessage.objects.count() == len(messages) + len(piped)


if __name__ == "__main__":
    main()
