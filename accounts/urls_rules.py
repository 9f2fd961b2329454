"""政策标准与参数 (/rules/). `rule_urls(new_view=…)` lets config put in the 设置新值 view
with a preview from a higher layer (config.views_rules)."""

from django.urls import path

from accounts import views_rules

app_name = "rules"


def rule_urls(*, new_view=views_rules.rule_new):
    return [
        path("", views_rules.rule_list, name="list"),
        path("<slug:key>/", views_rules.rule_detail, name="detail"),
        path("<slug:key>/new/", new_view, name="new"),
    ]


urlpatterns = rule_urls()
