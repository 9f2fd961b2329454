"""The scheduled jobs on the embedded default, which has no Celery beat: run_schedule runs
every entry of CELERY_BEAT_SCHEDULE in its own process, all at once (--once, at bin/run's
start) or each when its schedule says (the loop beside the site)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.services import system_user
from cases.models import Benefit, BenefitPeriod, BenefitState, Review, ReviewKind, ReviewState
from cases.services import benefits
from cases.services.benefits import add_months, month_start
from config.celery_app import app
from config.management.commands.run_schedule import Command, scheduled_jobs


@pytest.fixture
def exit_ended(build, team):
    """A benefit whose two months of gradual exit ended last month."""
    today = timezone.localdate()
    benefit = build.confirmed().benefit
    benefits.benefit_hear_views(benefit=benefit, by=team["acceptor"], proposed="拟给予渐退期",
                                heard_on=today, person="赵建国", statement="户主已就业，同意渐退")
    benefits.benefit_begin_exit(benefit=benefit, by=team["approver"], months=2,
                                reasons="户主就业后家庭收入超过低保标准")
    # History: paid from a year ago, the exit's last month was last month.
    last = add_months(month_start(today), -1)
    Benefit.objects.filter(pk=benefit.pk).update(start_month=add_months(last, -12),
                                                 last_month=last)
    BenefitPeriod.objects.filter(benefit=benefit).update(first_month=add_months(last, -12),
                                                         last_month=last)
    return benefit


@pytest.fixture
def review_past_due(build):
    """A benefit paid from a year ago whose periodic review date passed five days ago."""
    benefit = build.confirmed().benefit
    start = add_months(month_start(timezone.localdate()), -12)
    Benefit.objects.filter(pk=benefit.pk).update(
        start_month=start, next_review_on=timezone.localdate() - datetime.timedelta(days=5))
    BenefitPeriod.objects.filter(benefit=benefit).update(first_month=start)
    benefit.refresh_from_db()
    return benefit


def test_the_beat_schedule_names_the_daily_review_and_gradual_exit_jobs(settings):
    assert {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()} == {
        "requeue-waiting-verifications": "verification.tasks.requeue_waiting_requests",
        "requeue-stalled-verification-chunks": "verification.tasks.requeue_stalled_chunks",
        "refresh-statistics": "filing.tasks.refresh_statistics",
        "open-due-reviews": "cases.tasks.open_due_reviews",
        "end-gradual-exits": "cases.tasks.end_gradual_exits",
        "requeue-unchecked-reviews": "cases.tasks.requeue_unchecked_reviews",
    }
    daily = {job.name: str(job.schedule) for job in scheduled_jobs() if "crontab" in str(job.schedule)}
    assert daily == {"open-due-reviews": "<crontab: 10 1 * * * (m/h/dM/MY/d)>",
                     "end-gradual-exits": "<crontab: 20 1 * * * (m/h/dM/MY/d)>"}


def test_run_once_stops_an_ended_gradual_exit_and_opens_a_due_review(exit_ended, review_past_due,
                                                                     capsys):
    call_command("run_schedule", "--once")

    exit_ended.refresh_from_db()
    assert exit_ended.state == BenefitState.STOPPED
    ended = exit_ended.events.get(action="end_exit")
    assert ended.actor == system_user() and "渐退期已满，停止发放" in ended.data["notice"]
    review = Review.objects.get(benefit=review_past_due)
    assert (review.kind, review.state, review.due_on) == (
        ReviewKind.PERIODIC, ReviewState.OPEN, review_past_due.next_review_on)
    assert review.is_overdue()
    out = capsys.readouterr().out
    assert "定时任务 end-gradual-exits：完成（1）" in out
    assert "定时任务 open-due-reviews：完成（1）" in out

    call_command("run_schedule", "--once")  # again: nothing twice
    assert Review.objects.filter(benefit=review_past_due).count() == 1
    assert exit_ended.events.filter(action="end_exit").count() == 1


def test_the_loop_runs_a_daily_job_once_its_time_has_passed(exit_ended, review_past_due):
    jobs = {job.name: job for job in scheduled_jobs()}
    for job in jobs.values():
        job.last_run_at = app.now()  # as the loop starts: nothing due yet...
    ended_sweep = jobs["end-gradual-exits"]
    ended_sweep.last_run_at = app.now() - datetime.timedelta(days=2)  # ...but this one's 01:20 passed

    command = Command()
    command.verbosity = 0
    wait = command.run_due(list(jobs.values()))

    exit_ended.refresh_from_db()
    assert exit_ended.state == BenefitState.STOPPED
    assert not Review.objects.filter(benefit=review_past_due).exists()  # its 01:10 is to come
    assert not ended_sweep.schedule.is_due(ended_sweep.last_run_at).is_due  # tomorrow again
    assert 1 <= wait <= 60


def test_a_failing_job_is_reported_and_the_others_still_run(settings, exit_ended, capsys):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "refresh-statistics": {"task": "filing.tasks.refresh_statistics", "schedule": 600.0,
                               "kwargs": {"district_id": 999_999}},  # no such district
    }

    call_command("run_schedule", "--once")

    assert "定时任务未成功：refresh-statistics" in capsys.readouterr().err
    exit_ended.refresh_from_db()
    assert exit_ended.state == BenefitState.STOPPED
