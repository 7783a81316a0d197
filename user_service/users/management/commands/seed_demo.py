"""Create the demo customer with a fixed id, once."""

import uuid

from django.core.management.base import BaseCommand

from users.models import User, UserRole

DEMO_CUSTOMER_ID = uuid.UUID("20000000-0000-4000-8000-000000000001")
DEMO_CUSTOMER_EMAIL = "customer@example.com"
DEMO_CUSTOMER_PASSWORD = "customer-password"


class Command(BaseCommand):
    help = "Seed the demo customer (idempotent)."

    def handle(self, *args, **options):
        if User.objects.filter(id=DEMO_CUSTOMER_ID).exists():
            self.stdout.write("demo customer already present")
            return
        user = User(id=DEMO_CUSTOMER_ID, email=DEMO_CUSTOMER_EMAIL, name="Demo Customer",
                    role=UserRole.USER)
        user.set_password(DEMO_CUSTOMER_PASSWORD)
        user.save()
        self.stdout.write(f"demo customer {DEMO_CUSTOMER_EMAIL} created")
