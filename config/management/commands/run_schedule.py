"""The scheduled jobs without Celery beat. The embedded default (bin/run without Redis)
has no broker, so no beat and no worker: this command runs every entry of
CELERY_BEAT_SCHEDULE in its own process when the entry's schedule says, from the same
dict and the same schedule objects beat reads (seconds or celery crontab), so the demo's
reviews fall due and its gradual exits end as in production.

    manage.py run_schedule --once   # every job now, once (bin/run's start, the tests)
    manage.py run_schedule          # each job when due, until stopped (bin/run, beside the site)

As with beat, the loop counts from its start: an interval job first runs one interval
later, a crontab job at its next time. A job that fails is logged and tried again at its
next time; the others go on. With a broker, run `celery beat` and a worker instead.
"""

import datetime
import logging
import signal
import time
from dataclasses import dataclass
from typing import Any

from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from config.celery_app import app

logger = logging.getLogger(__name__)

LONGEST_SLEEP = 60.0  # seconds; beat's own default is 300


@dataclass
class Job:
    name: str
    task: Any  # a celery Task
    schedule: BaseSchedule
    args: tuple
    kwargs: dict
    last_run_at: datetime.datetime | None = None


def scheduled_jobs() -> list[Job]:
    """Every entry of CELERY_BEAT_SCHEDULE with its task and schedule object."""
    app.loader.import_default_modules()  # the tasks modules (autodiscovery), as a worker does
    jobs = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = maybe_schedule(entry["schedule"], app=app)
        schedule.app = app  # a crontab made in the settings has none: our timezone
        jobs.append(Job(name=name, task=app.tasks[entry["task"]], schedule=schedule,
                        args=tuple(entry.get("args", ())), kwargs=dict(entry.get("kwargs", {}))))
    return jobs


class Command(BaseCommand):
    help = "在本进程内按 CELERY_BEAT_SCHEDULE 执行定时任务（内置模式无 Celery beat 时使用）。"
    stopping, verbosity = False, 1

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="立即把每个定时任务执行一次后退出。")

    def handle(self, *args, once=False, verbosity=1, **options):
        self.stopping, self.verbosity = False, verbosity
        jobs = scheduled_jobs()
        if once:
            failed = [job.name for job in jobs if not self.run(job)]
            if failed:
                self.stderr.write(f"定时任务未成功：{'、'.join(failed)}（将于下次执行时重试）")
            return
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for job in jobs:
            job.last_run_at = app.now()
        self.stdout.write(f"定时任务已启动：{len(jobs)}项（{'、'.join(job.name for job in jobs)}）")
        while not self.stopping:
            self.sleep(self.run_due(jobs))

    def run_due(self, jobs: list[Job]) -> float:
        """Run the jobs whose time has come; the seconds until one may be due again."""
        wait = LONGEST_SLEEP
        for job in jobs:
            due, next_check = job.schedule.is_due(job.last_run_at)
            if due and not self.stopping:
                job.last_run_at = app.now()
                self.run(job)
                due, next_check = job.schedule.is_due(job.last_run_at)
            wait = min(wait, next_check)
        return max(wait, 1.0)

    def run(self, job: Job) -> bool:
        """Run one job here and now, with its task's own retries; True when it succeeded."""
        _drop_stale_connections()
        started = time.monotonic()
        try:
            result = job.task.apply(args=job.args, kwargs=job.kwargs, throw=True)
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            # The error's class only: a message may carry a resident's data.
            logger.error("scheduled job %s failed: %s", job.name, type(exc).__name__)
            return False
        finally:
            _drop_stale_connections()
        if self.verbosity >= 1:
            self.stdout.write(f"定时任务 {job.name}：完成（{result.result}），"
                              f"{time.monotonic() - started:.1f} 秒")
        return True

    def stop(self, signum, frame):
        self.stopping = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))


def _drop_stale_connections() -> None:
    """As a worker does around each task: a connection that broke or outlived
    CONN_MAX_AGE is closed and opened afresh by the next query. Never one inside a
    transaction (a test's): closing it would doom that transaction."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
