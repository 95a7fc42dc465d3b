"""Demo data: customers, contacts, modules, one user per role and tickets in different states.

Every ticket is taken through the real workflow services, so its timeline is what a user would see.
Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.grants import roles_give_without_approval
from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from customers.choices import CustomerKind, NotificationChannel
from customers.models import Contact, Customer, Module
from tickets import workflow
from tickets.choices import Channel, Priority, RouteDecision

DEMO_PASSWORD = "pult-demo-2026"  # noqa: S105 - demo logins are printed and documented on purpose

# The demo contact who logs in to the customer portal (with DEMO_PASSWORD); her organisation shares requests.
PORTAL_LOGIN = "kovacs.eva@arvizturo.example"

DEMO_USERS = [
    ("ugyintezo", "Kiss", "Anna", Role.AGENT),
    ("vezeto", "Nagy", "Péter", Role.MANAGER),
    ("eloszto", "Szabó", "Judit", Role.DISPATCHER),
    ("fejleszto", "Tóth", "Gábor", Role.EXECUTOR),
    ("fejleszto2", "Varga", "Őrs", Role.EXECUTOR),
    ("panaszfelelos", "Horváth", "Zsófia", Role.COMPLAINT_OFFICER),
    ("panaszhelyettes", "Kelemen", "Ilona", Role.COMPLAINT_DEPUTY),
    ("igazgato", "Fehér", "Ürmös", Role.EXECUTIVE),
    ("testulet", "Bíró", "Ödön", Role.COMPLAINT_BOARD),
    ("admin", "Rendszer", "Gazda", Role.ADMINISTRATOR),
    ("adatvedelem", "Adat", "Védő", Role.DATA_PROTECTION_OFFICER),
]


class Command(BaseCommand):
    help = "Load demo customers, contacts, modules, users (one per role) and tickets. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username="ugyintezo").exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, last, first, role in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {last} {first} — {role.label} ({role.value})")
        self.stdout.write(f"Customer portal (/portal/): {PORTAL_LOGIN} — Kovács Éva, Árvíztűrő Tükörfúrógép Kft.")

    def _load(self) -> None:
        users: dict[str, User] = {}
        for username, last, first, role in DEMO_USERS:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@pult.localhost",
                is_staff=role in STAFF_ROLES,
            )
            # Setting an installation up is not an administrator's grant: the demo roles, the data-protection
            # officer's included, are given at once (accounts.grants), as only a management command may.
            roles_give_without_approval(user=user, roles=[role], reason="manage.py load_demo")
            users[username] = user

        modules = {
            code: Module.objects.create(code=code, name=name, description=description)
            for code, name, description in [
                ("szamlazo", "Számlázó", "Számlák, díjbekérők, bizonylatok kiállítása."),
                ("berszamfejto", "Bérszámfejtő", "Bérszámfejtés és járulékbevallás."),
                ("keszlet", "Készletnyilvántartó", "Raktárkészlet és leltár."),
                ("tukorfurogep", "Tükörfúrógép-vezérlő", "Ipari gépvezérlő szoftver."),
            ]
        }
        acme = Customer.objects.create(
            name="Árvíztűrő Tükörfúrógép Kft.",
            tax_number="12345678-2-41",
            address="1117 Budapest, Őrház utca 5.",
            phone="+36 1 234 5678",
            email="info@arvizturo.example",
        )
        bakery = Customer.objects.create(
            name="Kőrösi Pékség Bt.",
            address="6000 Kecskemét, Szélmalom utca 12.",
            phone="+36 76 555 123",
        )
        private = Customer.objects.create(
            name="Ónodi Ürsula", kind=CustomerKind.PRIVATE_PERSON, address="4025 Debrecen, Kossuth utca 8."
        )
        eva = Contact.objects.create(
            customer=acme,
            name="Kovács Éva",
            position="pénzügyi vezető",
            phone="+36 30 123 4567",
            email="kovacs.eva@arvizturo.example",
            postal_address="1117 Budapest, Őrház utca 5.",
            fax="+36 1 234 5679",
            preferred_channel=NotificationChannel.EMAIL,
        )
        odon = Contact.objects.create(
            customer=acme,
            name="Szőke Ödön",
            position="raktárvezető",
            phone="+36 20 987 6543",
            email="szoke.odon@arvizturo.example",
            preferred_channel=NotificationChannel.PHONE,
        )
        gyula = Contact.objects.create(
            customer=bakery,
            name="Pék Gyula",
            phone="+36 76 555 124",
            postal_address=bakery.address,
            fax="+36 76 555 125",
            preferred_channel=NotificationChannel.FAX,
        )
        ursula = Contact.objects.create(
            customer=private,
            name="Ónodi Ürsula",
            phone="+36 70 111 2222",
            email="ursula@example.hu",
            postal_address=private.address,
            preferred_channel=NotificationChannel.LETTER,
        )

        agent, dispatcher = users["ugyintezo"], users["eloszto"]
        executor, executor2 = users["fejleszto"], users["fejleszto2"]
        now = timezone.now()

        def new(
            contact: Contact,
            subject: str,
            text: str,
            channel: str,
            module: str,
            hours_ago: int,
            priority: str = Priority.NORMAL,
        ) -> Any:
            return workflow.register_ticket(
                actor=agent,
                contact=contact,
                subject=subject,
                description=text,
                channel=channel,
                module=modules[module],
                priority=priority,
                received_at=now - dt.timedelta(hours=hours_ago),
            )

        new(
            eva,
            "Nem nyomtatható a számla",
            "A számla nyomtatásakor üres oldal jön ki.",
            Channel.PHONE,
            "szamlazo",
            2,
            Priority.HIGH,
        )
        new(
            ursula,
            "Levélben kért tájékoztatás",
            "Kérem, küldjék meg a szerződés feltételeit.",
            Channel.POST,
            "szamlazo",
            30,
        )

        t = new(
            odon,
            "Leltárív exportja hibás",
            "Az Excel-export ékezetes nevei olvashatatlanok.",
            Channel.EMAIL,
            "keszlet",
            26,
        )
        workflow.verify_ticket(ticket=t, actor=agent, call_summary="Visszahívtam Ödönt, a hiba reprodukálható.")
        # Waiting on the user: the service-level clock is paused until Ödön sends the file.
        workflow.ask_user(ticket=t, actor=agent, question="Kérem, küldje el a hibás exportfájlt e-mailben.")

        t = new(gyula, "Bérjegyzék fax", "Faxon érkezett bérjegyzék-reklamáció.", Channel.FAX, "berszamfejto", 50)
        workflow.verify_ticket(ticket=t, actor=agent)
        workflow.route_ticket(ticket=t, actor=agent, decision=RouteDecision.DISPATCHER, note="Nem tudom eldönteni.")

        t = new(
            eva, "Díjbekérő sorszámozása", "A díjbekérők sorszáma kétszer szerepel.", Channel.IN_PERSON, "szamlazo", 72
        )
        workflow.verify_ticket(ticket=t, actor=agent)
        workflow.route_ticket(ticket=t, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor)
        workflow.start_work(ticket=t, actor=executor)
        workflow.log_work(ticket=t, actor=executor, minutes=90, note="Sorszámgenerátor vizsgálata.")
        workflow.ask_agent(ticket=t, actor=executor, question="Melyik telephelyen jelentkezett a hiba?")
        t_slow = t

        t = new(
            odon,
            "Gépvezérlő frissítése",
            "A tükörfúrógép vezérlője frissítés után nem indul.",
            Channel.PHONE,
            "tukorfurogep",
            120,
            Priority.URGENT,
        )
        workflow.verify_ticket(ticket=t, actor=agent)
        workflow.route_ticket(ticket=t, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor2)
        workflow.start_work(ticket=t, actor=executor2)
        workflow.log_work(ticket=t, actor=executor2, minutes=120, note="Konfiguráció visszaállítva.")
        workflow.complete_work(ticket=t, actor=executor2, note="A vezérlő elindul, beállítások visszaállítva.")

        t = new(ursula, "Jelszó-visszaállítás", "Elfelejtettem a jelszavamat.", Channel.PHONE, "szamlazo", 200)
        workflow.verify_ticket(ticket=t, actor=agent)
        workflow.route_ticket(ticket=t, actor=agent, decision=RouteDecision.PERSONALLY)
        workflow.log_work(ticket=t, actor=agent, minutes=10, note="Jelszó visszaállítva.")
        workflow.complete_work(ticket=t, actor=agent, note="Új ideiglenes jelszó kiküldve.")
        workflow.accept_solved(ticket=t, actor=agent, test_note="Bejelentkezés az ideiglenes jelszóval működik.")

        t = new(eva, "Áfakulcs módosítása", "Az új áfakulcs nem jelenik meg.", Channel.EMAIL, "szamlazo", 300)
        workflow.verify_ticket(ticket=t, actor=agent)
        workflow.route_ticket(ticket=t, actor=agent, decision=RouteDecision.DISPATCHER)
        workflow.dispatch_ticket(ticket=t, actor=dispatcher, executor=executor)
        workflow.start_work(ticket=t, actor=executor)
        workflow.log_work(ticket=t, actor=executor, minutes=45, note="Áfatábla frissítve.")
        workflow.complete_work(ticket=t, actor=executor, note="Áfakulcs beállítva.")
        workflow.accept_solved(ticket=t, actor=agent, test_note="Próbaszámla a helyes áfával készült.")
        workflow.record_notification(
            ticket=t,
            actor=agent,
            channel=NotificationChannel.EMAIL,
            recipient=eva.email,
            message="Tájékoztattuk, hogy az új áfakulcs beállításra került.",
        )
        workflow.close_ticket(ticket=t, actor=agent)

        t = new(gyula, "Spam", "Nyerjen egy autót!", Channel.FAX, "berszamfejto", 400)
        workflow.reject_ticket(ticket=t, actor=agent, reason="Kéretlen reklám, nem valódi megkeresés.")

        self._load_complaints(users, modules, eva, slow_ticket=t_slow, now=now)
        self._load_library(users["vezeto"], modules, ticket=t_slow)
        acme.portal_shares_requests = True
        acme.save(update_fields=["portal_shares_requests"])
        portal_user = User(username=PORTAL_LOGIN, email=PORTAL_LOGIN, last_name=eva.name, contact=eva)
        portal_user.set_password(DEMO_PASSWORD)
        portal_user.save()

    def _load_complaints(
        self, users: dict[str, User], modules: dict[str, Module], eva: Contact, *, slow_ticket: Any, now: Any
    ) -> None:
        """The complaint register: one at each point of the procedure, one concerning an executor."""
        import datetime as dt

        from complaints import services as complaints
        from complaints.choices import AnswerMethod, Decision, EntryKind, OralOutcome, Outcome

        agent, officer, boss = users["ugyintezo"], users["panaszfelelos"], users["igazgato"]
        base: dict[str, Any] = {
            "complainant_name": "Kiss Éva",
            "complainant_address": "6720 Szeged, Kárász utca 5.",
            "complainant_phone": "+36 30 555 0101",
            "county": "csongrad_csanad",
        }
        # A phone complaint about slow work, raised from the ticket: it names the executor who handled it.
        c = complaints.complaint_record(
            actor=agent,
            data=complaints.ComplaintInput(
                channel=Channel.PHONE,
                subject="Két hete nem javítják a leltárhibát",
                description="A bejelentés óta senki nem keresett, a leltár nem zárható le.",
                evidence="Hibaüzenet képernyőképe",
                oral_outcome=OralOutcome.NOT_AT_ONCE,
                record_place="Budapest, ügyfélszolgálat (telefon)",
                received_at=now - dt.timedelta(days=27),
                ticket=slow_ticket,
                contact=slow_ticket.contact,
                module=slow_ticket.module,
                **base,
            ),
        )
        complaints.set_concerned(complaint=c, actor=officer, employees=[users["fejleszto"]])
        complaints.add_entry(
            complaint=c, actor=officer, kind=EntryKind.FINDING, text="A feladat 9 napig várt kiosztásra."
        )
        # A written complaint waiting for the executives.
        c = complaints.complaint_record(
            actor=officer,
            data=complaints.ComplaintInput(
                channel=Channel.POST,
                subject="Hibás számla a novemberi díjról",
                description="A novemberi díjat kétszer számlázták ki.",
                received_at=now - dt.timedelta(days=10),
                module=modules["szamlazo"],
                **base,
            ),
        )
        complaints.add_entry(
            complaint=c, actor=officer, kind=EntryKind.FINDING, text="Egy számla készült, egy díjbekérő."
        )
        complaints.propose(
            complaint=c,
            actor=officer,
            outcome=Outcome.REJECTED,
            resolution="A panaszt elutasítjuk: a második bizonylat díjbekérő, nem számla.",
            reasons="A könyvelés szerint egyetlen számla készült.",
        )
        # An answered one, rejected, with the conciliation body of Csongrád-Csanád named.
        c = complaints.complaint_record(
            actor=agent,
            data=complaints.ComplaintInput(
                channel=Channel.IN_PERSON,
                subject="Udvariatlan ügyintézés",
                description="Az ügyfélszolgálaton nem adtak tájékoztatást a frissítésről.",
                place_received="1117 Budapest, Fehérvári út 1., ügyfélszolgálat",
                oral_outcome=OralOutcome.DISAGREES,
                immediate_statement="A frissítés menetét elmondtuk; a panaszos nem fogadta el.",
                record_place="1117 Budapest, Fehérvári út 1., ügyfélszolgálat",
                complainant_signed=True,
                received_at=now - dt.timedelta(days=20),
                **base,
            ),
        )
        complaints.add_entry(complaint=c, actor=officer, kind=EntryKind.CONSULTATION, text="Beszéltem a kollégával.")
        complaints.propose(
            complaint=c,
            actor=officer,
            outcome=Outcome.REJECTED,
            resolution="Elutasítjuk.",
            reasons="A tájékoztatás megtörtént.",
        )
        complaints.decide(complaint=c, actor=boss, decision=Decision.APPROVED, reason="Egyetértek.")
        answer = complaints.prepare_answer(
            complaint=c,
            actor=officer,
            text="Panaszát kivizsgáltuk, és elutasítjuk.",
            reasons="Munkatársunk a frissítés menetéről tájékoztatta; ezt a jegyzőkönyv is rögzíti.",
            method=AnswerMethod.LETTER,
            postal_address="Kiss Éva\n6720 Szeged, Kárász utca 5.",
        )
        complaints.answer_posted(answer=answer, actor=officer)

    def _load_library(self, manager: User, modules: dict[str, Module], *, ticket: Any) -> None:
        """The information library: a public company presentation and complaint rules, module manuals for
        customers (one with an older version kept), a staff-only procedure; one manual linked to a ticket."""
        from library import services as library
        from library.choices import Visibility
        from library.models import Category

        shelf = {category.slug: category for category in Category.objects.all()}
        library.publish_document(
            actor=manager,
            title="Cégbemutatás",
            summary="Kik vagyunk, mit fejlesztünk, hogyan érnek el minket.",
            category=shelf["company-presentation"],
            module=None,
            visibility=Visibility.PUBLIC,
            markdown=(
                "# Pult Szoftverház Kft.\n\nVállalatirányítási és gépvezérlő szoftvereket fejlesztünk "
                "1998 óta.\n\n## Ügyfélszolgálat\n\n- Telefon: +36 1 555 0100\n"
                "- E-mail: ugyfelszolgalat@pult.localhost\n- Személyesen: 1117 Budapest, Fehérvári út 1."
            ),
        )
        library.publish_document(
            actor=manager,
            title="Panaszkezelési szabályzat",
            summary="Hogyan tehet panaszt, és mikorra válaszolunk (30 nap).",
            category=shelf["complaint-handling"],
            module=None,
            visibility=Visibility.PUBLIC,
            markdown=(
                "# Panaszkezelési szabályzat\n\nPanaszát szóban (személyesen, telefonon) és írásban "
                "(levélben, e-mailben, a honlapon) teheti meg. Írásbeli panaszára **30 napon belül** "
                "írásban válaszolunk.\n\nElutasítás esetén a lakóhelye szerinti békéltető testülethez "
                "vagy a fogyasztóvédelmi hatósághoz fordulhat."
            ),
        )
        manual = library.publish_document(
            actor=manager,
            title="Tükörfúrógép-vezérlő felhasználói kézikönyv",
            summary="Telepítés, frissítés és hibaelhárítás.",
            category=shelf["module-documentation"],
            module=modules["tukorfurogep"],
            visibility=Visibility.CUSTOMERS,
            markdown="# Tükörfúrógép-vezérlő\n\n## Telepítés\n\nA vezérlőt a telepítővel kell felrakni.",
            note="Első kiadás",
        )
        library.add_version(
            document=manual,
            actor=manager,
            markdown=(
                "# Tükörfúrógép-vezérlő\n\n## Telepítés\n\nA vezérlőt a telepítővel kell felrakni.\n\n"
                "## Frissítés után nem indul\n\n1. Állítsa le a gépet.\n2. Indítsa el a "
                "`vezerlo --helyreallitas` parancsot.\n3. Ha ez sem segít, hívja ügyfélszolgálatunkat."
            ),
            note="Hibaelhárítási fejezet",
        )
        library.publish_document(
            actor=manager,
            title="Számlázó modul – gyakori kérdések",
            summary="Nyomtatás, sorszámozás, díjbekérők.",
            category=shelf["module-documentation"],
            module=modules["szamlazo"],
            visibility=Visibility.CUSTOMERS,
            markdown="# Számlázó – GYIK\n\n**Üres oldalt nyomtat?** Frissítse a nyomtatóillesztőt.",
        )
        library.publish_document(
            actor=manager,
            title="Hibabejelentések minőségbiztosítási eljárása",
            summary="Belső eljárásrend a tesztelésről és az átadásról.",
            category=shelf["quality-assurance"],
            module=None,
            visibility=Visibility.STAFF,
            markdown="# Eljárásrend\n\nMinden javítást a bejelentő ügyintéző tesztel, mielőtt megoldottnak ítéli.",
        )
        library.link_to_ticket(actor=manager, document=manual, ticket=ticket)
