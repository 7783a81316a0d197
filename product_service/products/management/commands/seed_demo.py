"""Seed the demo catalog: twenty products with fixed ids, created once and never overwritten."""

import uuid
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from products.models import Product

# (name, description, price, stock); product NN gets id 10000000-0000-4000-8000-0000000000NN.
DEMO_PRODUCTS = [
    ("Mechanical Keyboard", "Tenkeyless, hot-swappable brown switches.", "89.90", 40),
    ("Wireless Mouse", "Ergonomic, 2.4 GHz and Bluetooth.", "29.99", 120),
    ("27-inch Monitor", "QHD IPS panel, 75 Hz.", "249.00", 15),
    ("USB-C Hub", "7 ports with 100 W power delivery.", "39.50", 80),
    ("Noise-Cancelling Headphones", "Over-ear, 30 hours of battery.", "199.99", 25),
    ("Laptop Stand", "Aluminium, adjustable height.", "34.90", 60),
    ("Webcam 1080p", "Full HD with stereo microphones.", "49.99", 45),
    ("External SSD 1 TB", "USB 3.2, up to 1050 MB/s.", "109.00", 30),
    ("Desk Lamp", "LED, dimmable, USB charging port.", "24.95", 70),
    ("Office Chair", "Mesh back, lumbar support.", "179.00", 10),
    ("Standing Desk", "Electric, 120 x 60 cm.", "399.00", 5),
    ("Bluetooth Speaker", "Waterproof, 12 hours of play.", "59.90", 50),
    ("Smartwatch", "Heart rate, GPS, 7-day battery.", "149.00", 20),
    ("Phone Charger 65 W", "GaN, two USB-C ports.", "32.00", 100),
    ("HDMI Cable 2 m", "4K at 60 Hz.", "9.99", 200),
    ("Notebook A5", "Dotted, 160 pages.", "7.50", 300),
    ("Gel Pens (10 pack)", "0.5 mm, assorted colours.", "6.90", 250),
    ("Backpack", "15.6-inch laptop compartment.", "54.00", 35),
    ("Coffee Mug", "Ceramic, 350 ml.", "11.90", 150),
    ("Mouse Pad XL", "90 x 40 cm, stitched edges.", "19.90", 90),
]


def demo_product_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"10000000-0000-4000-8000-0000000000{number:02d}")


class Command(BaseCommand):
    help = "Create the demo products (fixed ids) that are missing; existing ones are left alone."

    def handle(self, *args, **options):
        created = 0
        with transaction.atomic():
            for number, (name, description, price, stock) in enumerate(DEMO_PRODUCTS, start=1):
                _, was_created = Product.objects.get_or_create(
                    id=demo_product_id(number),
                    defaults={"name": name, "description": description,
                              "price": Decimal(price), "stock": stock},
                )
                created += was_created
        self.stdout.write(f"demo products: {created} created, "
                          f"{len(DEMO_PRODUCTS) - created} already present")
