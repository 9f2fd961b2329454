"""Benchmark: the review round (年审) of a township of N households in payment, checked by
one real Celery worker; prints the wall time from opening the round to every review
checked, and the peak memory (bin/benchmark --reviews runs it on a throwaway PostgreSQL
and Redis). Not a test: it measures, it does not assert a time.

The households, their members, declarations and the agencies' files are seeded as for
the verification benchmark (verification.management.commands.benchmark_verification);
on top, each household has a decided (filed) 低保 case with its benefit and the period paid,
written in bulk (setup, not counted). `--profile` checks one chunk in this process under
cProfile instead of running the worker, and prints where the time goes.
"""

import cProfile
import datetime
import io
import os
import pstats
import random
import resource
import sys
import time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import Region, User
from accounts.services import system_user
from cases.models import Application, Benefit, BenefitPeriod, ReviewState, State
from cases.services import reviews
from cases.services.rounds import review_round_open
from households.models import Household
from verification.management.commands.benchmark_verification import DISTRICT, _peak_kib
from verification.management.commands.benchmark_verification import Command as Verification

START = datetime.date(2025, 3, 1)


class Command(Verification):
    help = "年审基准测试：N户在保家庭、8个数据来源、1个 Celery worker，输出耗时和内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--timeout", type=int, default=900, help="最长等待秒数")
        parser.add_argument("--profile", action="store_true",
                            help="不启动 worker：在本进程内用 cProfile 核对一块，输出耗时分布。")

    def handle(self, *args, households, seed, timeout, profile, **options):
        if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("基准测试需要 PostgreSQL 和 Redis：请用 bin/benchmark --reviews 运行。")
        if Region.objects.filter(code=DISTRICT).exists():
            raise CommandError("数据库中已有基准测试数据：请用 bin/benchmark 在临时数据库中运行。")
        started = time.perf_counter()
        reviewer, township, stats = self._seed(households, random.Random(seed))
        self._in_payment(township, reviewer)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"准备数据：{households}户在保，{stats['members']}人，"
                          f"8个来源共{stats['records']}条记录"
                          f"（{time.perf_counter() - started:.1f} 秒，不计入）")
        if profile:
            self._profile(township, reviewer)
            return
        worker = self._start_worker()
        load = os.getloadavg()[0]
        try:
            cpu_before = _cpu_seconds(worker.pid)
            began = time.perf_counter()
            review_round = review_round_open(township=township, by=reviewer, name="基准测试年审",
                                             due_on=timezone.localdate() + datetime.timedelta(days=60))
            self._wait(review_round, worker, began, timeout)
            wall = time.perf_counter() - began
            worker_cpu = _cpu_seconds(worker.pid) - cpu_before
            worker_peak = _peak_kib(worker.pid)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        checked = review_round.reviews.filter(state=ReviewState.CHECKED)
        self.stdout.write(
            f"年审：{checked.count()}/{review_round.total}户已核对测算，"
            f"{len(range(0, review_round.total, reviews.ROUND_CHUNK))}块（每块{reviews.ROUND_CHUNK}户），"
            f"核对预警{checked.filter(verification__has_warning=True).count()}户，"
            f"测算不再符合{checked.filter(calculation__eligible=False).count()}户\n"
            f"用时：{wall:.1f} 秒（{review_round.total / wall:.0f} 户/秒），自发起至全部核对测算完成\n"
            f"worker CPU 时间：{worker_cpu:.1f} 秒（其余为 PostgreSQL 和等待）\n"
            f"内存峰值：worker {worker_peak / 1024:.0f} MiB；发起进程 {own_peak / 1024:.0f} MiB\n"
            f"CPU：{os.cpu_count()} 核，开始时负载 {load:.1f}（其他进程占用 CPU 时用时偏长）；"
            f"PostgreSQL 默认持久化设置（fsync 开启）")

    def _in_payment(self, township: Region, user: User) -> None:
        """A decided (filed) 低保 case, its benefit and the period paid, for every household."""
        households = list(Household.objects.filter(region__parent=township).order_by("pk")
                          .values_list("pk", "region_id"))
        decided = START - datetime.timedelta(days=20)
        apps = Application.objects.bulk_create(
            [Application(number=f"{township.code}-2025-{n + 1:06d}", household_id=pk,
                         region_id=region_id, assistance_type="dibao", reason="基准测试",
                         state=State.FILED, created_by=user, accepted_by=user,
                         accepted_on=decided - datetime.timedelta(days=25), decided_by=user,
                         decided_on=decided, monthly_amount=Decimal("900.00"), start_month=START)
             for n, (pk, region_id) in enumerate(households)], batch_size=5000)
        benefits = Benefit.objects.bulk_create(
            [Benefit(household_id=app.household_id, region_id=app.region_id,
                     assistance_type="dibao", application=app, monthly_amount=app.monthly_amount,
                     start_month=START, review_months=12,
                     next_review_on=datetime.date(2026, 3, 1)) for app in apps], batch_size=5000)
        BenefitPeriod.objects.bulk_create(
            [BenefitPeriod(benefit=benefit, first_month=START, amount=benefit.monthly_amount)
             for benefit in benefits], batch_size=5000)

    def _wait(self, review_round, worker, began: float, timeout: int) -> None:
        """Until every review of the round is checked; progress every ten seconds."""
        waiting = review_round.reviews.filter(state=ReviewState.OPEN)
        last_report, last_left, last_change = began, None, began
        while True:
            left = waiting.count()
            now = time.perf_counter()
            if left == 0:
                return
            if left != last_left:
                last_left, last_change = left, now
            if now - last_report >= 10:
                self.stdout.write(f"  {now - began:5.0f} 秒：已核对 {review_round.total - left}"
                                  f"/{review_round.total}")
                last_report = now
            if worker.poll() is not None:
                self._worker_failed("Celery worker 意外退出（日志见上）。")
            if now - began > timeout or now - last_change > 120:
                self._worker_failed(f"{now - last_change:.0f} 秒无进展，已停止等待（worker 日志见上）。")
            time.sleep(0.2)

    def _worker_failed(self, message: str):
        self.worker_log.seek(0)
        sys.stderr.write(self.worker_log.read().decode(errors="replace")[-20_000:])
        raise CommandError(message)

    def _profile(self, township: Region, reviewer: User) -> None:
        """Open the round with no worker, check its first chunk here under cProfile."""
        review_round = review_round_open(township=township, by=reviewer, name="基准测试年审（剖析）",
                                         due_on=timezone.localdate() + datetime.timedelta(days=60))
        chunk = reviews.round_chunks(review_round)[0]
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        profiler = cProfile.Profile()
        began = time.perf_counter()
        with connection.execute_wrapper(count):
            profiler.enable()
            done = reviews.reviews_check(review_ids=chunk, by=system_user())  # as the task does
            profiler.disable()
        wall = time.perf_counter() - began
        self.stdout.write(f"剖析：一块{done}户，{wall:.2f} 秒（{done / wall:.0f} 户/秒），"
                          f"{len(queries)}条SQL（每户{len(queries) / done:.1f}条）\n"
                          f"按累计耗时排序的前30项：")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        self.stdout.write(out.getvalue())
        self.stdout.write("按SQL开头归类的查询次数：")
        kinds: dict[str, int] = {}
        for sql in queries:
            key = " ".join(sql.split()[:4])[:90]
            kinds[key] = kinds.get(key, 0) + 1
        for key, n in sorted(kinds.items(), key=lambda item: -item[1])[:15]:
            self.stdout.write(f"  {n:6d}  {key}")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc), 0 where unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
