"""Search text kept out of URLs.

A search may be a resident ID number. In a query string it would end up in access logs,
Referer headers and the browser history, so a search form POSTs its text, the view keeps
it in the session under a short random key and redirects to `?s=<key>`; the list page
reads it back with `recalled_search`. The key means nothing outside this session.
"""

import re
import secrets
import unicodedata

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


CASE_NUMBER_FRAGMENT = re.compile(r"[0-9]+(?:-[0-9]*)*|-[0-9][0-9-]*")


def case_number_fragment(text: str) -> str:
    """`text` as a piece of a case number (110115001-2026-00017: digits and hyphens), with
    full-width digits and dashes of a Chinese keyboard made plain; "" when it is not one."""
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2014", "-").replace("\u2013", "-")
    return text if CASE_NUMBER_FRAGMENT.fullmatch(text) else ""
