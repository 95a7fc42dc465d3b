"""`manage.py retention [--dry-run]`: apply the retention rules now, or list what they would remove."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from retention import rules

SHOWN = 20


class Command(BaseCommand):
    help = "Apply the retention rules (or, with --dry-run, list what they would remove and change nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would go; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        findings = rules.plan() if dry_run else rules.apply_rules()
        self.stdout.write("Dry run: nothing is changed." if dry_run else "Retention run.")
        for finding in findings:
            if dry_run:
                verb = "would go"
            elif finding.applied:
                verb = "removed"
            else:
                verb = "due (handled elsewhere)" if finding.count else "removed"
            self.stdout.write(f"{finding.label} [{finding.period}]: {finding.count} {verb}")
            for reference in finding.references[:SHOWN]:
                self.stdout.write(f"  {reference}")
            if finding.count > SHOWN:
                self.stdout.write(f"  … +{finding.count - SHOWN}")
