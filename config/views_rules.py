"""设置新值 of the rules page (accounts.views_rules) with what only this layer can add:
for a 低保 standard, how many benefits in payment it reaches and their monthly sum
(cases.selectors.rule_preview). accounts may not import cases; config may import both."""

from accounts.views_rules import rule_new
from cases.selectors.rule_preview import standard_change_preview


def rule_new_with_preview(request, key: str):
    return rule_new(request, key, preview=standard_change_preview)
