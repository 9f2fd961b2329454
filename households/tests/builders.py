"""Small helpers the household tests share (the fixtures are in the root conftest)."""

from conftest import new_id_number
from households import services


def add_member(household, by, *, relation="spouse", name="刘美玲", male=False):
    return services.member_add(household=household, by=by,
                               data={"name": name, "id_number": new_id_number(male=male),
                                     "relation": relation})
