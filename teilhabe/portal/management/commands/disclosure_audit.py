"""teilhabe disclosure_audit — can any withheld figure be read or recomputed from what is public?"""

from django.core.management.base import BaseCommand, CommandError

from teilhabe.portal.disclosure_audit import audit_public_outputs


class Command(BaseCommand):
    help = (
        "Check every public output (API observations and assessments, open-data downloads and data package, "
        "survey results, cross-tables, climate index) for a withheld count that can be read or recomputed. "
        "Exits 1 and lists the findings per output when there is one; writes nothing."
    )

    def handle(self, *args, **options):
        findings = audit_public_outputs()
        if not findings:
            self.stdout.write("disclosure audit: no withheld figure can be read or recomputed")
            return
        outputs: dict[str, list] = {}
        for finding in findings:
            outputs.setdefault(finding.output, []).append(finding)
        for output, found in outputs.items():
            self.stdout.write(f"{output}: {len(found)} finding(s)")
            for finding in found:
                self.stdout.write(f"  {finding.item}: {finding.problem}")
        raise CommandError(f"disclosure audit: {len(findings)} finding(s) in {len(outputs)} public output(s)")
