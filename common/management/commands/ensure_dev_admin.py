"""Create the local ADMIN from DEV_ADMIN_EMAIL and DEV_ADMIN_PASSWORD, once."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a Django superuser (role ADMIN where the model has roles) if it is missing."

    def handle(self, *args, **options):
        email = os.environ.get("DEV_ADMIN_EMAIL", "").strip().lower()
        password = os.environ.get("DEV_ADMIN_PASSWORD", "")
        if not email or not password:
            self.stdout.write("DEV_ADMIN_EMAIL or DEV_ADMIN_PASSWORD not set: no admin created")
            return
        model = get_user_model()
        username_field = model.USERNAME_FIELD
        if model._default_manager.filter(**{username_field: email}).exists():
            self.stdout.write(f"admin {email} already exists")
            return
        fields = {username_field: email, "password": password}
        if username_field != "email" and hasattr(model, "email"):
            fields["email"] = email
        for name in model.REQUIRED_FIELDS:
            fields.setdefault(name, email.split("@")[0])
        model._default_manager.create_superuser(**fields)
        self.stdout.write(f"admin {email} created")
