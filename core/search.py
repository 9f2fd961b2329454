"""Search text kept out of URLs.

A search may be a resident ID number. In a query string it would end up in access logs,
Referer headers and the browser history, so a search form POSTs its text, the view keeps
it in the session under a short random key and redirects to `?s=<key>`; the list page
reads it back with `recalled_search`. The key means nothing outside this session.
"""

import secrets

SESSION_KEY = "searches"
MAX_REMEMBERED = 20


def remember_search(request, text: str) -> str:
    """Keep `text` in the session and return the key to put in the URL as `?s=`."""
    remembered: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    # The same text again gets its old key (moved to the newest place).
    key = next((k for k, v in remembered.items() if v == text), None)
    if key is not None:
        del remembered[key]
    else:
        key = secrets.token_urlsafe(6)
        while key in remembered:
            key = secrets.token_urlsafe(6)
    remembered[key] = text
    while len(remembered) > MAX_REMEMBERED:  # oldest first: dicts keep insertion order
        del remembered[next(iter(remembered))]
    request.session[SESSION_KEY] = remembered
    return key


def recalled_search(request) -> str:
    """The text remembered under `request.GET["s"]`, or "" if absent or unknown."""
    key = request.GET.get("s", "")
    if not key:
        return ""
    return request.session.get(SESSION_KEY, {}).get(key, "")
