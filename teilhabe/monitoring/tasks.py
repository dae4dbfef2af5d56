"""Background jobs of the monitoring domain (django-tasks).

Code that changes observations, targets or indicator versions calls `enqueue_recompute` once
after its writes; the job recomputes the stored assessments (assessing.recompute_assessments).
"""

from __future__ import annotations

from collections.abc import Iterable

from django_tasks import TaskResultStatus, task

from . import assessing
from .models import Edition, IndicatorVersion


@task()
def recompute_assessments_task(edition_id: int, indicator_ids: list[int] | None = None) -> int:
    """Recompute the stored assessments of one edition (all indicators, or the ones given)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    return assessing.recompute_assessments(edition=edition, indicator_ids=indicator_ids)


def enqueue_recompute(*, indicator_ids: Iterable[int] | None = None, edition_ids: Iterable[int] | None = None) -> int:
    """Schedule the recomputation of stored assessments after a write; returns the number of editions.

    Call it once after writing, inside or after the writing transaction: with the database
    backend the job becomes visible to workers only when the write commits, and with the
    immediate backend (tests, demo) it runs at once. `indicator_ids` limits the work to those
    indicators (None: all); the editions are `edition_ids`, or else every edition with a version
    of those indicators (observations belong to an indicator, not to an edition). One pending job
    per edition is enough: a job still waiting for a worker is widened instead of queueing another.
    """
    ids = None if indicator_ids is None else sorted({int(pk) for pk in indicator_ids})
    if ids == []:
        return 0
    if edition_ids is not None:
        editions = sorted({int(pk) for pk in edition_ids})
    else:
        versions = IndicatorVersion.objects.all()
        if ids is not None:
            versions = versions.filter(indicator_id__in=ids)
        editions = sorted(set(versions.values_list("edition_id", flat=True)))
    for edition_id in editions:
        if not _widen_pending_job(edition_id, ids):
            recompute_assessments_task.enqueue(edition_id=edition_id, indicator_ids=ids)
    return len(editions)


def _widen_pending_job(edition_id: int, indicator_ids: list[int] | None) -> bool:
    """Fold the request into a job of the same edition that no worker has started yet, if there is one."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    backend = recompute_assessments_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    pending = DBTaskResult.objects.ready().filter(
        task_path=recompute_assessments_task.module_path, backend_name=backend.alias
    )
    for job_id, arguments in pending.values_list("id", "args_kwargs"):
        kwargs = arguments.get("kwargs") or {}
        if kwargs.get("edition_id") != edition_id:
            continue
        queued = kwargs.get("indicator_ids")
        if queued is None:
            return True
        widened = None if indicator_ids is None else sorted(set(queued) | set(indicator_ids))
        if widened == queued:
            return True
        arguments = {**arguments, "kwargs": {**kwargs, "indicator_ids": widened}}
        # Matches nothing if a worker claimed the job meanwhile; then a new job is queued.
        if DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.READY).update(args_kwargs=arguments):
            return True
    return False
