from accounts.scope import has_any


def navigation(request):
    """Navigation by role: each entry shows only to users holding its permission somewhere."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # (url name, label, what marks it current: a namespace, or "namespace:url-name prefix")
    items = [("home", "工作台", "home")]
    if has_any(user, "view_cases"):
        items.append(("cases:queue", "救助申请", "cases"))
    if has_any(user, "handle_cases") or has_any(user, "approve_cases"):
        items.append(("cases:benefits", "在保对象", "cases:benefit"))
    if has_any(user, "handle_cases") or has_any(user, "approve_cases"):
        items.append(("cases:integrity", "诚信管理", "cases:integrity"))
    if has_any(user, "handle_cases") or has_any(user, "refer_cases"):
        items.append(("intake:list" if has_any(user, "handle_cases") else "intake:community",
                      "窗口受理" if has_any(user, "handle_cases") else "上报与代办", "intake"))
    if has_any(user, "view_households"):
        items.append(("households:list", "家庭档案", "households"))
    if has_any(user, "review_filings") or has_any(user, "handle_cases"):
        items.append(("filing:inbox", "备案监督" if has_any(user, "review_filings") else "备案与名册",
                      "filing"))
    if has_any(user, "review_filings"):
        items.append(("cases:benefit_rounds", "年审", "cases:benefit_rounds"))
        items.append(("cases:integrity_district", "诚信管理", "cases:integrity_district"))
    if has_any(user, "verify_economic_status"):
        items.append(("verification:sources", "经济状况核对", "verification"))
    if has_any(user, "manage_rules"):
        items.append(("rules:list", "政策标准与参数", "rules"))
    if has_any(user, "manage_staff") or has_any(user, "manage_rules"):
        items.append(("admin:index", "系统管理", "admin"))
    match = getattr(request, "resolver_match", None)
    here = f"{match.namespace}:{match.url_name}" if match and match.namespace else (
        match.view_name if match else "")
    # The most specific entry that matches is the current one.
    keys = [key for _name, _label, key in items
            if here == key or here.startswith(key if ":" in key else f"{key}:")]
    current = max(keys, key=len, default="")
    grants = list(user.grants.active().select_related("region__parent__parent")
                  .order_by("region__code"))
    return {
        "nav_items": [(name, label, key == current) for name, label, key in items],
        "nav_grants": grants,
        "can_review_filings": has_any(user, "review_filings"),
    }
