"""Public pages that combine apps (composition root): the policy disclosure of a
township (seed 001 §(六)) shows the publicity app's texts and contacts, the rules in
force and the cases app's materials checklist."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control, cache_page

from cases import selectors as case_selectors
from publicity import selectors
from publicity.views import BOARD_SECONDS, township_of


@login_not_required
@cache_page(BOARD_SECONDS)
@cache_control(public=True, max_age=BOARD_SECONDS)
def policy(request, code):
    region = selectors.public_region(code)
    township = township_of(region)
    return render(request, "public/policy.html", {
        "region": region, "township": township,
        "materials": case_selectors.materials_checklist(),
        **selectors.policy_for(township=township)})
