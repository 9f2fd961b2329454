"""Administration for district administrators (系统管理): regions, staff and their
grants, rules and the holiday calendar, the audit.

Access follows the region grants (manage_staff / manage_rules), not Django's global
model permissions, and every list is limited to the administrator's district. Grants
and rules go through accounts.services so the guardian permission rows stay in step
and each change is audited (操作审计, read-only here).
Households and cases are deliberately not here: they have one way in, the app's pages.

Importing this package registers every admin; other apps' admins build on ScopedAdmin.
"""

from accounts.admin import audit, rules, staff  # noqa: F401 - registers the admins
from accounts.admin.base import ScopedAdmin  # noqa: F401
