from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

from core.throttle import client_address


class SignInForm(AuthenticationForm):
    """Staff sign-in that pauses an account at one address after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系区民政局管理员。",
        "too_many": "登录失败次数过多，请 %(minutes)d 分钟后再试，或联系管理员重置密码。",
    }

    def _failure_key(self) -> str:
        username = (self.data.get("username") or "").strip().lower()
        return f"login-failures:{username}:{client_address(self.request)}"

    def clean(self):
        key = self._failure_key()
        if cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
            cache.incr(key)
            raise
        cache.delete(key)
        return cleaned
