import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from cases.demo import benefits as benefits_demo
from cases.demo import cases as cases_demo
from cases.demo import intake as intake_demo
from core.demo_clock import on
from filing import demo as filing_demo
from households import demo as households_demo
from publicity import demo as publicity_demo
from verification import demo as verification_demo


class Command(BaseCommand):
    help = "Load the demo district (北京市大兴区), its staff and ~50 households. Safe to rerun."

    def handle(self, *args, **options):
        # Each module runs its stories through the services on their own days
        # (core.demo_clock): the staff and households were registered before the first case.
        with transaction.atomic():
            with on(households_demo.registered_on() - datetime.timedelta(days=7)):
                logins = accounts_demo.load()
            created = households_demo.load()
            cases = cases_demo.load()
            sources = verification_demo.load()
            publicity_demo.load()
            benefits_demo.load()  # before filing: last month's roster includes them
            filed = filing_demo.load()
            intake_demo.load()
        self.stdout.write(f"演示数据已就绪：新建 {created} 户、{cases} 件救助申请、"
                          f"{sources} 个部门的比对数据、{filed} 件已备案申请（已有的不重复创建）。")
        self.stdout.write(f"演示账号（密码均为 {accounts_demo.DEMO_PASSWORD}）：")
        for username, role, region in logins:
            self.stdout.write(f"  {username:<22} {role:<12} {region}")
