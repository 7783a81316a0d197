"""Routes of the users app (mounted under /api/)."""

from django.urls import path

from users import apis

urlpatterns = [
    path("users", apis.UserListCreateApi.as_view(), name="user-list"),
    path("users/me", apis.UserMeApi.as_view(), name="user-me"),
    path("users/<uuid:user_id>", apis.UserDetailApi.as_view(), name="user-detail"),
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/password", apis.PasswordChangeApi.as_view(), name="auth-password"),
]
