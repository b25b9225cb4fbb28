"""Train the triage model on the seed set and the desk's decisions, print its held-back scores, and say
whether it became the active model (complaints.triage.model)."""

from django.core.management.base import BaseCommand

from complaints.triage import model


class Command(BaseCommand):
    help = "Train the triage text classifier on the seed set and HQ's decisions; activate it if it scores better."

    def add_arguments(self, parser):
        parser.add_argument("--seed-only", action="store_true",
                            help="Train on fixtures/triage/train.jsonl only, not on the desk's decisions.")

    def handle(self, *args, seed_only=False, **options):
        trained, row = model.train_and_store(seed_only=seed_only)
        counts = trained.counts
        self.stdout.write(
            f"Examples: {counts['seed']} seed, {counts['desk']} from the desk's decisions; "
            f"{counts['train']} trained on, {counts['held_back']} held back."
        )
        for target, result in trained.scores.items():
            self.stdout.write(f"\n{target}: macro F1 {result['macro_f1']:.3f} on the held-back share")
            self.stdout.write(result["text"])
        previous = row.scores.get("previous")
        summary = f"Model v{row.version}: macro F1 {row.macro_f1:.3f}"
        if previous:
            summary += f" against v{previous['version']}'s {previous['macro_f1']:.3f} on the same held-back lines"
        self.stdout.write("")
        if row.is_active:
            self.stdout.write(self.style.SUCCESS(summary + "; now active."))
        else:
            self.stdout.write(self.style.WARNING(summary + "; not better, the active model stays."))
