from celery import shared_task

from .triage import model


@shared_task(name="complaints.tasks.train_triage", ignore_result=True)
def train_triage():
    """Train the triage model again (beat, nightly); it becomes active only if it scores better."""
    trained, row = model.train_and_store()
    return {"version": row.version, "macro_f1": row.macro_f1, "active": row.is_active,
            "examples": trained.counts}
