"""Django admin for users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import transaction

from users.models import User
from users.services import user_deactivate, user_delete
from users.sessions import sessions_end_all


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "name", "role", "is_active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["-created_at"]
    list_display = ["email", "name", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "name"]
    readonly_fields = ["id", "created_at", "updated_at", "last_login"]
    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        ("Profile", {"fields": ["name", "role", "is_active"]}),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"],
                             "fields": ["email", "name", "role", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        """A deactivation or a role change made here ends the user's sessions, as in the API."""
        before = User.objects.filter(pk=obj.pk).values("is_active", "role").first() if change \
            else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if before and before["is_active"] and not obj.is_active:
                user_deactivate(user=obj)
            elif before and before["role"] != obj.role:
                sessions_end_all(user=obj, reason="role_changed")

    def delete_model(self, request, obj):
        user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(user=user)
