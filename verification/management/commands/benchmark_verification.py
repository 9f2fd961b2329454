"""Benchmark: verify a township of N households against eight sources with one real
Celery worker, and print the wall time and peak memory (bin/benchmark runs it on a
throwaway PostgreSQL and Redis). Not a test: it measures, it does not assert a time."""

import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from celery import current_app as celery_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import Region, Rule, User
from accounts.roles import Level, Role
from accounts.services import grant_role
from core.idnumber import facts
from households.demo import make_id_number
from households.models import Asset, Household, Income, IncomeCategory, Member
from verification import jobs
from verification.models import ImportBatch, SourceRecord, VerificationJob

DISTRICT, TOWNSHIP = "990100", "990100001"


class Command(BaseCommand):
    help = "批量核对基准测试：N户、8个数据来源、1个 Celery worker，输出耗时和内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--chunk-size", type=int, default=jobs.JOB_CHUNK_SIZE)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, households, chunk_size, seed, **options):
        if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("基准测试需要 PostgreSQL 和 Redis：请用 bin/benchmark 运行。")
        if Region.objects.filter(code=DISTRICT).exists():
            raise CommandError("数据库中已有基准测试数据：请用 bin/benchmark 在临时数据库中运行。")
        rng = random.Random(seed)
        started = time.perf_counter()
        user, township, stats = self._seed(households, rng)
        seconds = time.perf_counter() - started
        self.stdout.write(f"准备数据：{households}户，{stats['members']}人，"
                          f"8个来源共{stats['records']}条记录（{seconds:.1f} 秒，不计入）")
        worker = self._start_worker()
        try:
            began = time.perf_counter()
            job = jobs.verification_job_start(township=township, by=user,
                                                  chunk_size=chunk_size)
            while True:
                job.refresh_from_db()
                if job.status != VerificationJob.Status.RUNNING:
                    break
                if worker.poll() is not None:
                    self.worker_log.seek(0)
                    sys.stderr.write(self.worker_log.read().decode(errors="replace"))
                    raise CommandError("Celery worker 意外退出（日志见上）。")
                time.sleep(0.1)
            wall = time.perf_counter() - began
            worker_peak = _peak_kib(worker.pid)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stdout.write(
            f"批量核对：{job.done}/{job.total}户，{job.chunks.count()}块（每块{chunk_size}户），"
            f"预警{job.warned}户，状态：{job.get_status_display()}\n"
            f"用时：{wall:.1f} 秒（{job.done / wall:.0f} 户/秒）\n"
            f"内存峰值：worker {worker_peak / 1024:.0f} MiB；发起进程 {own_peak / 1024:.0f} MiB\n"
            f"CPU：{os.cpu_count()} 核；PostgreSQL 默认持久化设置（fsync 开启）")
        if job.status != VerificationJob.Status.COMPLETED:
            raise CommandError("批量核对未全部完成。")

    def _start_worker(self) -> subprocess.Popen:
        self.worker_log = tempfile.TemporaryFile()
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--concurrency", "1", "--loglevel", "WARNING", "--without-mingle",
             "--without-gossip", "--without-heartbeat"], env=os.environ.copy(),
            stdout=self.worker_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=0.5):
                return worker
            if worker.poll() is not None:
                break
        worker.terminate()
        raise CommandError("Celery worker 未能启动。")

    def _seed(self, count: int, rng: random.Random):
        district = Region.objects.create(code=DISTRICT, name="基准测试区", level=Level.DISTRICT)
        township = Region.objects.create(code=TOWNSHIP, name="基准测试街道", level=Level.TOWNSHIP,
                                         parent=district)
        communities = [Region.objects.create(code=f"{TOWNSHIP}{n:03d}", name=f"第{n}社区",
                                             level=Level.COMMUNITY, parent=township)
                       for n in range(1, 11)]
        for key in ("dibao_standard_urban", "dibao_standard_rural"):
            Rule.objects.create(key=key, region=district, value="1450",
                                valid_from=datetime.date(2023, 9, 1))
        user = User.objects.create_user(username="benchmark_reviewer", full_name="基准测试核对员")
        grant_role(user=user, region=district, role=Role.DISTRICT_REVIEWER, by=None)

        households = Household.objects.bulk_create(
            [Household(region=communities[n % 10], address="测试路1号", residence="urban")
             for n in range(count)], batch_size=5000)
        members, person = [], 0
        for household in households:
            for position in range(rng.choice((1, 2, 2, 3, 3, 4))):
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=person // 400)
                number = make_id_number(birth, person % 400, male=position % 2 == 0)
                person += 1
                about = facts(number)
                members.append(Member(household=household, name=f"成员{person}", id_number=number,
                                      sex=about.sex, birth_date=about.birth_date,
                                      relation="head" if position == 0 else "child"))
        members = Member.objects.bulk_create(members, batch_size=5000)
        heads = [m for m in members if m.relation == "head"]
        wage = IncomeCategory.objects.get(code="wage")
        wages = {m.pk: Decimal(rng.randrange(0, 30000, 100)) for m in heads}
        deposits = {m.pk: Decimal(rng.randrange(1000, 40000, 100)) for m in heads
                    if rng.random() < 0.3}
        Income.objects.bulk_create(
            [Income(household_id=m.household_id, member=m, category=wage, amount=wages[m.pk],
                    months=12) for m in heads], batch_size=5000)
        owners = {m.pk for m in heads if rng.random() < 0.8}
        Asset.objects.bulk_create(
            [Asset(household_id=m.household_id, member=m, kind="deposit", value=deposits[m.pk])
             for m in heads if m.pk in deposits]
            + [Asset(household_id=m.household_id, member=m, kind="real_estate", value=0)
               for m in heads if m.pk in owners], batch_size=5000)

        def declared_or_more(value):  # about one in twenty found above the declaration
            return value * 2 + 5000 if rng.random() < 0.05 else value

        def batch(source):
            return ImportBatch.objects.create(district=district, source=source, version=1,
                                              data_date=datetime.date(2026, 10, 31),
                                              filename=f"{source}.csv", file_format="CSV",
                                              row_count=0, imported_by=user)

        records = []
        plan = {
            "hukou": lambda m: [dict(status="正常")],
            "tax": lambda m: [dict(status="工资薪金", amount=declared_or_more(wages[m.pk]))]
            if m.pk in wages else [],
            "social_insurance": lambda m: [dict(status="缴费基数", amount=wages[m.pk] / 12)]
            if m.pk in wages and rng.random() < 0.5 else [],
            "housing_fund": lambda m: [dict(amount=wages[m.pk] / 12, amount2=1000)]
            if m.pk in wages and rng.random() < 0.2 else [],
            "vehicle": lambda m: [dict(label=f"京B{rng.randrange(10000, 99999)}", status="小型轿车")]
            if rng.random() < 0.01 else [],
            "real_estate": lambda m: [dict(label=f"证{n}", status="住宅") for n in
                                      range(1 + (rng.random() < 0.02))]
            if m.pk in owners else [],
            "business": lambda m: [dict(label=f"91{rng.randrange(10**8)}", status="存续")]
            if rng.random() < 0.01 else [],
            "deposit": lambda m: [dict(label="银行", status="存款",
                                       amount=declared_or_more(deposits[m.pk]))]
            if m.pk in deposits else [],
        }
        for source, rows_for in plan.items():
            imported = batch(source)
            for member in members:
                for row in rows_for(member):
                    records.append(SourceRecord(batch=imported, id_number=member.id_number,
                                                name=member.name, **row))
        SourceRecord.objects.bulk_create(records, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return user, township, {"members": len(members), "records": len(records)}


def _peak_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
